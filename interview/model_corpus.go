package interview

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/triagem/triagem"
)

// corpusFiles is the labelled corpus the shipped model is fitted from
// (testdata/WRITING.md says how it was written).
//
//go:embed testdata/corpus/*.jsonl
var corpusFiles embed.FS

// Example is one labelled client description.
type Example struct {
	ID string
	// Group ties descriptions of the same situation together: cross-
	// validation keeps a group in one fold.
	Group    string
	Area     triagem.Area
	Subarea  triagem.Subarea
	Messages []string
	// UrgencyH is the labelled urgency in hours; 0 when not labelled.
	UrgencyH int
	// Complexity is the labelled complexity; "" when not labelled.
	Complexity triagem.Complexity
}

// exampleLine is one JSON line: messages (array) or text (string), area as
// a slug or a display name.
type exampleLine struct {
	ID         string          `json:"id"`
	Group      string          `json:"group"`
	Area       string          `json:"area"`
	Subarea    string          `json:"subarea"`
	Messages   []string        `json:"messages"`
	Text       string          `json:"text"`
	UrgencyH   json.RawMessage `json:"urgency_h"`
	Complexity string          `json:"complexity"`
}

// ReadExamples reads labelled descriptions in JSON Lines. Blank lines are
// skipped; an invalid line is an error naming its number.
func ReadExamples(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		ex, err := parseExample(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if ex.ID == "" {
			ex.ID = fmt.Sprintf("line-%d", n)
		}
		if ex.Group == "" {
			ex.Group = ex.ID
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read examples: %w", err)
	}
	return out, nil
}

func parseExample(line []byte) (Example, error) {
	var l exampleLine
	if err := json.Unmarshal(line, &l); err != nil {
		return Example{}, fmt.Errorf("decode: %w", err)
	}
	area, err := triagem.ParseArea(l.Area)
	if err != nil {
		return Example{}, err
	}
	msgs := l.Messages
	if len(msgs) == 0 && strings.TrimSpace(l.Text) != "" {
		msgs = []string{l.Text}
	}
	if len(msgs) == 0 {
		return Example{}, fmt.Errorf("no messages nor text")
	}
	ex := Example{ID: l.ID, Group: l.Group, Area: area, Messages: msgs, Complexity: triagem.Complexity(l.Complexity)}
	if s := triagem.Subarea(l.Subarea); area.Has(s) {
		ex.Subarea = s
	}
	if len(l.UrgencyH) > 0 && string(l.UrgencyH) != "null" {
		var h float64
		if err := json.Unmarshal(l.UrgencyH, &h); err != nil {
			return Example{}, fmt.Errorf("urgency_h: %w", err)
		}
		ex.UrgencyH = int(h)
	}
	switch ex.Complexity {
	case "", triagem.ComplexityLow, triagem.ComplexityMedium, triagem.ComplexityHigh:
	default:
		return Example{}, fmt.Errorf("unknown complexity %q", l.Complexity)
	}
	return ex, nil
}

// ShippedCorpus returns the embedded corpus, file by file in name order.
func ShippedCorpus() ([]Example, error) {
	names, err := fs.Glob(corpusFiles, "testdata/corpus/*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("list corpus: %w", err)
	}
	var out []Example
	for _, name := range names {
		b, err := corpusFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		exs, err := ReadExamples(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path.Base(name), err)
		}
		out = append(out, exs...)
	}
	return out, nil
}
