// Package sse reads server-sent event streams as a browser's EventSource
// does. It is the one client-side parser: `triagem tail`, the bench and the
// tests all read streams through it.
package sse

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// Frame is one dispatched server-sent event as a browser sees it.
type Frame struct {
	ID    string // "" when the event set no id
	HasID bool
	Event string // "message" when the event set no name
	Data  string
	Retry string
}

// ReadFrames parses an SSE stream as the WHATWG algorithm does (CR, LF or
// CRLF line ends; comments ignored; data lines joined by \n) and calls fn
// for each event. It returns fn's error, the reader's, or nil at EOF.
func ReadFrames(r io.Reader, fn func(Frame) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	sc.Split(scanSSELines)
	var f Frame
	var data strings.Builder
	hasData := false
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if hasData {
				f.Data = data.String()
				if f.Event == "" {
					f.Event = "message"
				}
				if err := fn(f); err != nil {
					return err
				}
			}
			f, hasData = Frame{}, false
			data.Reset()
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			if !strings.ContainsRune(value, 0) {
				f.ID, f.HasID = value, true
			}
		case "event":
			f.Event = value
		case "data":
			if hasData {
				data.WriteByte('\n')
			}
			data.WriteString(value)
			hasData = true
		case "retry":
			f.Retry = value
		}
	}
	return sc.Err()
}

// scanSSELines splits on CRLF, CR or LF.
func scanSSELines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\r' {
			if i+1 == len(data) && !atEOF {
				return 0, nil, nil // need one more byte to tell CR from CRLF
			}
			if i+1 < len(data) && data[i+1] == '\n' {
				return i + 2, data[:i], nil
			}
		}
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
