package synth

import (
	"bufio"
	"io"
	"math"
	"strconv"
)

// WriteSamplesCSV writes the survey as comma-separated text with header
//
//	id,x,y,<Name>_<unit>...
//
// Coordinates are written in metres; values with the laboratory's decimals
// (Survey.Decs). A below-detection value is written "<limit" or, for
// elements with Neg set, "-limit"; a missing value is an empty field.
func (s *Survey) WriteSamplesCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	b := make([]byte, 0, 512)
	b = append(b, "id,x,y"...)
	for k, name := range s.Names {
		b = append(b, ',')
		b = append(b, name...)
		b = append(b, '_')
		b = append(b, s.Units[k]...)
	}
	b = append(b, '\n')
	if _, err := bw.Write(b); err != nil {
		return err
	}
	for i, row := range s.Values {
		b = append(b[:0], s.IDs[i]...)
		b = append(b, ',')
		b = strconv.AppendFloat(b, s.X[i], 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, s.Y[i], 'f', -1, 64)
		for k, v := range row {
			b = append(b, ',')
			switch {
			case math.IsNaN(v):
			case v < 0 && !s.Neg[k]:
				b = append(b, '<')
				b = strconv.AppendFloat(b, -v, 'f', -1, 64)
			case v < 0:
				b = strconv.AppendFloat(b, v, 'f', -1, 64)
			default:
				b = strconv.AppendFloat(b, v, 'f', s.Decs[k], 64)
			}
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteDepositsCSV writes the deposits with header
//
//	id,x,y,name,commodity,model,host
//
// where model is the deposit model (Kinds) and host the host lithology.
func (s *Survey) WriteDepositsCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("id,x,y,name,commodity,model,host\n"); err != nil {
		return err
	}
	width := len(strconv.Itoa(len(s.Deposits)))
	b := make([]byte, 0, 128)
	for i, d := range s.Deposits {
		b = append(b[:0], 'D')
		b = append(b, pad(i+1, max(2, width))...)
		b = append(b, ',')
		b = strconv.AppendFloat(b, d.X, 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, d.Y, 'f', -1, 64)
		for _, f := range []string{d.Name, d.Commodity, d.Kind, d.Host} {
			b = append(b, ',')
			b = append(b, f...)
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}
