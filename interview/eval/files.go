package eval

import (
	"fmt"
	"os"

	"github.com/triagem/triagem/interview"
)

// ReadFiles reads the labelled descriptions of every JSON Lines file named,
// in order; an error names the file.
func ReadFiles(names ...string) ([]interview.Example, error) {
	var exs []interview.Example
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		more, err := interview.ReadExamples(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		exs = append(exs, more...)
	}
	return exs, nil
}
