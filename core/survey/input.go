package survey

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// sniffSize is how many bytes are looked at to check the input is text and
// to choose the delimiter.
const sniffSize = 64 << 10

// input is an opened CSV stream and its header.
type input struct {
	cr     *csv.Reader
	delim  rune
	header []string
	line   int // line of the header
}

// open checks that r holds text, strips a UTF-8 byte-order mark, chooses the
// delimiter (delim 0: sniff among ',', ';' and tab) and reads the header.
func open(r io.Reader, delim rune) (*input, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
		head = head[3:]
	case bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")):
		return nil, fmt.Errorf("%w: UTF-16 text; save the file as UTF-8 CSV", ErrNotText)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return nil, fmt.Errorf("%w: a zip archive (an .xlsx workbook?); export the sheet as CSV", ErrNotText)
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return nil, fmt.Errorf("%w: an old Excel .xls workbook; export the sheet as CSV", ErrNotText)
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, fmt.Errorf("%w: the file holds NUL bytes (binary data)", ErrNotText)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrEmpty)
	}
	if delim == 0 {
		delim = sniff(head)
	} else if !validDelim(delim) {
		return nil, fmt.Errorf("%w: delimiter %q cannot separate CSV fields", ErrOptions, delim)
	}
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	in := &input{cr: cr, delim: delim}
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: the file is empty", ErrEmpty)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrHeader, err)
	}
	in.line, _ = cr.FieldPos(0)
	in.header = make([]string, len(rec))
	for i, h := range rec {
		in.header[i] = cleanName(h)
	}
	if err := checkHeader(in.header); err != nil {
		return nil, err
	}
	return in, nil
}

// validDelim reports whether encoding/csv accepts d as a field delimiter.
func validDelim(d rune) bool {
	return !(d == 0 || d == '"' || d == '\r' || d == '\n' || d == utf8.RuneError || !utf8.ValidRune(d))
}

// cleanName trims a header name and turns Latin-1 bytes into UTF-8.
func cleanName(h string) string {
	h = strings.TrimSpace(h)
	if utf8.ValidString(h) {
		return h
	}
	r := make([]rune, len(h))
	for i := 0; i < len(h); i++ {
		r[i] = rune(h[i])
	}
	return strings.TrimSpace(string(r))
}

// checkHeader rejects duplicate names. Empty names are checked later: an
// unnamed column that holds no values (a trailing delimiter) is harmless.
func checkHeader(h []string) error {
	if len(h) == 1 && h[0] == "" {
		return fmt.Errorf("%w: the first line is blank", ErrHeader)
	}
	seen := make(map[string]int, len(h))
	for i, name := range h {
		if name == "" {
			continue
		}
		if j, ok := seen[name]; ok {
			return fmt.Errorf("%w: column name %q appears twice (columns %d and %d); rename one", ErrHeader, name, j+1, i+1)
		}
		seen[name] = i
	}
	return nil
}

// sniff chooses among ',', ';' and tab the delimiter that splits the first
// lines of head into the same, largest number of fields (quotes respected).
func sniff(head []byte) rune {
	lines := splitLines(head, 30)
	best, bestScore := ',', -1
	for _, d := range []rune{',', ';', '\t'} {
		counts := make([]int, 0, len(lines))
		for _, l := range lines {
			counts = append(counts, countFields(l, byte(d)))
		}
		if len(counts) == 0 {
			continue
		}
		consistent := true
		for _, c := range counts[1:] {
			if c != counts[0] {
				consistent = false
				break
			}
		}
		score := counts[0]
		if consistent && counts[0] > 1 {
			score += 1 << 20
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// splitLines returns up to n non-blank lines of head, dropping a last line
// that may be cut short.
func splitLines(head []byte, n int) [][]byte {
	var out [][]byte
	complete := len(head) < sniffSize
	for len(head) > 0 && len(out) < n {
		i := bytes.IndexByte(head, '\n')
		var l []byte
		if i < 0 {
			if !complete && len(out) > 0 {
				break
			}
			l, head = head, nil
		} else {
			l, head = head[:i], head[i+1:]
		}
		l = bytes.TrimRight(l, "\r")
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// countFields counts the fields of one line split at d outside quotes.
func countFields(l []byte, d byte) int {
	n, quoted := 1, false
	for _, c := range l {
		switch {
		case c == '"':
			quoted = !quoted
		case c == d && !quoted:
			n++
		}
	}
	return n
}
