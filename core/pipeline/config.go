package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Config is everything a run depends on besides its input files. It
// round-trips through JSON; the zero value of every field means its default,
// and a nil *Config means all defaults.
type Config struct {
	// Seed drives every random draw of the run. The same seed and inputs give
	// the same maps, natively and in the browser.
	Seed uint64 `json:"seed"`

	// Methods to run, in order. Known names:
	//   "mahalanobis"   robust Mahalanobis distance (MCD) on standardised ilr coordinates
	//   "element:Cu"    the single-element map of Cu (log concentration)
	//   "cnn"           pixel-pair CNN with dual-window detection (needs deposits)
	//   "alad"          ALAD adversarial autoencoder (unsupervised)
	//   "vae"           variational autoencoder baseline (unsupervised)
	//   "element:best"  the single element with the highest AUC at the deposits
	//                   (label-informed, an optimistic baseline; needs deposits)
	// nil means {"mahalanobis", "element:best"}.
	Methods []string `json:"methods,omitempty"`

	// Survey reading.
	XColumn         string            `json:"x_column,omitempty"`         // "" detects
	YColumn         string            `json:"y_column,omitempty"`         // "" detects
	Coordinates     string            `json:"coordinates,omitempty"`      // "", "metres" or "degrees"
	NoUnit          string            `json:"no_unit,omitempty"`          // unit of unit-less element columns; "" = RGNR convention
	Units           map[string]string `json:"units,omitempty"`            // per-element unit override
	Elements        []string          `json:"elements,omitempty"`         // nil = every element found
	DetectionFactor float64           `json:"detection_factor,omitempty"` // 0 means 0.65
	MaxMissing      float64           `json:"max_missing,omitempty"`      // 0 means 0.5

	// Gridding of point samples (ignored for already-gridded input).
	Cell       float64 `json:"cell,omitempty"`       // metres; 0 = chosen from the sample spacing
	Radius     float64 `json:"radius,omitempty"`     // IDW search radius, metres; 0 = 3 x median spacing
	Neighbours int     `json:"neighbours,omitempty"` // IDW neighbours; 0 means 12
	Power      float64 `json:"power,omitempty"`      // IDW power; 0 means 2

	// Tops are the cumulative-area classes in percent; nil means {5, 15, 30}.
	Tops []float64 `json:"tops,omitempty"`

	// CNN, ALAD and VAE configure the network methods; nil means defaults.
	CNN  *CNNConfig `json:"cnn,omitempty"`
	ALAD *NetConfig `json:"alad,omitempty"`
	VAE  *NetConfig `json:"vae,omitempty"`

	// MaxCells bounds the grid size (cells x layers is what costs memory);
	// 0 means 50 million cell-layers (200 MB of float32).
	MaxCells int `json:"max_cells,omitempty"`
}

const defaultMaxCellLayers = 50_000_000

func (c *Config) methods(haveDeposits bool) []string {
	if len(c.Methods) > 0 {
		return c.Methods
	}
	if haveDeposits {
		return []string{"mahalanobis", "element:best"}
	}
	return []string{"mahalanobis"}
}

func (c *Config) tops() []float64 {
	if len(c.Tops) > 0 {
		return c.Tops
	}
	return []float64{5, 15, 30}
}

// ParseConfig reads a Config from JSON. Unknown fields are an error, so a
// misspelt option is not silently ignored. A report JSON (which carries its
// Config under "config") is accepted too.
func ParseConfig(data []byte) (*Config, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if raw, ok := probe["config"]; ok {
		data = raw
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("config: %q holds %s, but it takes %s (at byte %d)", te.Field, te.Value, jsonKind(te.Type.Kind().String()), te.Offset)
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	return &c, c.Validate()
}

// jsonKind names a Go kind the way a JSON user knows it.
func jsonKind(k string) string {
	switch k {
	case "slice", "array":
		return "a list, e.g. [\"mahalanobis\"]"
	case "map", "struct", "ptr":
		return "an object, e.g. {\"epochs\": 10}"
	case "string":
		return "a string in quotes"
	case "bool":
		return "true or false"
	}
	return "a number"
}

// Validate checks the settings that do not depend on the data.
func (c *Config) Validate() error {
	for _, m := range c.Methods {
		if err := checkMethod(m); err != nil {
			return err
		}
	}
	if err := c.CNN.validate(); err != nil {
		return err
	}
	if err := c.ALAD.validate("alad"); err != nil {
		return err
	}
	if err := c.VAE.validate("vae"); err != nil {
		return err
	}
	switch c.Coordinates {
	case "", "metres", "degrees":
	default:
		return fmt.Errorf("config: coordinates %q: use \"metres\" or \"degrees\" (or leave empty to detect)", c.Coordinates)
	}
	unit := func(u string) bool { return u == "ppm" || u == "ppb" || u == "pct" }
	if c.NoUnit != "" && !unit(c.NoUnit) {
		return fmt.Errorf("config: no_unit %q: use ppm, ppb or pct (or leave empty for the RGNR convention)", c.NoUnit)
	}
	for el, u := range c.Units {
		if !unit(u) {
			return fmt.Errorf("config: units of %s %q: use ppm, ppb or pct", el, u)
		}
	}
	if c.Cell < 0 || c.Radius < 0 || c.Neighbours < 0 || c.Power < 0 {
		return fmt.Errorf("config: cell, radius, neighbours and power must not be negative")
	}
	if c.DetectionFactor < 0 || c.DetectionFactor > 1 {
		return fmt.Errorf("config: detection_factor %g: use a share of the limit between 0 and 1 (default 0.65)", c.DetectionFactor)
	}
	if c.MaxMissing < 0 || c.MaxMissing > 1 {
		return fmt.Errorf("config: max_missing %g: use a share between 0 and 1 (default 0.5)", c.MaxMissing)
	}
	prev := 0.0
	for _, t := range c.Tops {
		if !(t > prev && t < 100) {
			return fmt.Errorf("config: tops %v: use increasing percentages between 0 and 100, e.g. [5, 15, 30]", c.Tops)
		}
		prev = t
	}
	return nil
}

func checkMethod(m string) error {
	switch {
	case m == "mahalanobis", m == "cnn", m == "alad", m == "vae":
		return nil
	case strings.HasPrefix(m, "element:") && len(m) > len("element:"):
		return nil
	}
	return fmt.Errorf("config: unknown method %q: use mahalanobis, cnn, alad, vae, element:NAME or element:best", m)
}
