package httpapi

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The SSE encoder. Framing can never be broken by what it is given: an id
// or name loses any CR, LF or NUL (a line break there would start a new
// field), data is split into one data: line per line (so the client joins it
// back with \n), and invalid UTF-8 is replaced so that every byte written is
// text the browser decodes as it was meant.

// appendEvent appends one event (id may be "" to leave the client's position
// alone) to buf.
func appendEvent(buf []byte, id, name string, data []byte) []byte {
	if id != "" {
		buf = append(buf, "id: "...)
		buf = appendField(buf, id)
		buf = append(buf, '\n')
	}
	if name != "" {
		buf = append(buf, "event: "...)
		buf = appendField(buf, name)
		buf = append(buf, '\n')
	}
	buf = appendData(buf, data)
	return append(buf, '\n')
}

// appendField writes a single-line field value.
func appendField(buf []byte, v string) []byte {
	v = strings.ToValidUTF8(v, "\uFFFD")
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\r', '\n', 0:
		default:
			buf = append(buf, c)
		}
	}
	return buf
}

// appendData writes data as data: lines, splitting on CRLF, CR and LF as the
// SSE parser does.
func appendData(buf []byte, data []byte) []byte {
	if !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	data = bytes.ReplaceAll(data, []byte{0}, []byte("\uFFFD"))
	for {
		i := bytes.IndexAny(data, "\r\n")
		if i < 0 {
			buf = append(buf, "data: "...)
			buf = append(buf, data...)
			return append(buf, '\n')
		}
		buf = append(buf, "data: "...)
		buf = append(buf, data[:i]...)
		buf = append(buf, '\n')
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
}

// appendRetry appends the reconnection hint in milliseconds.
func appendRetry(buf []byte, ms int64) []byte {
	buf = append(buf, "retry: "...)
	buf = strconv.AppendInt(buf, ms, 10)
	return append(buf, "\n\n"...)
}

// heartbeat is a comment line: it keeps proxies from closing an idle stream
// and is ignored by clients.
var heartbeat = []byte(": ping\n\n")
