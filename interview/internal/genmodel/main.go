// Command genmodel fits the built-in engine's area model from the corpus
// embedded in package interview and writes it to model.bin. It is run by
// go generate ./interview/ whenever the corpus or the fit changes; the
// output is deterministic (the same corpus and code give the same bytes).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/triagem/triagem/interview"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("genmodel", flag.ContinueOnError)
	out := fs.String("o", "model.bin", "the model `file` to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := interview.FitShippedModelFile()
	if err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	// Write beside the target and rename, so that a failed run leaves the
	// previous model in place (the package does not compile without one).
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".model-*.tmp")
	if err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write model: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	fmt.Printf("genmodel: wrote %s (%d bytes)\n", *out, len(b))
	return nil
}
