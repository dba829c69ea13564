// Package web embeds Triagem's pages: the client's intake (intake/, served
// at /) and the firm's inbox (inbox/, served at /inbox/), with their shared
// modules (shared/) and vendored libraries (vendor/). Plain files, no build
// step.
package web

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// Everything in the directory, so that the pages' layout can change without
// touching this file; only page files are served (see servable).
//
//go:embed *
var files embed.FS

// Options shape the pages' headers.
type Options struct {
	// FrameAncestors are the origins allowed to embed the pages (CSP
	// frame-ancestors sources such as https://escritorio.example); empty
	// forbids framing.
	FrameAncestors []string
}

// CheckFrameAncestors refuses sources that would break the header: each
// must be one token with no quote, comma or semicolon, or 'self'.
func CheckFrameAncestors(sources []string) error {
	for _, s := range sources {
		if s == "'self'" {
			continue
		}
		if s == "" || strings.ContainsAny(s, " \t\r\n;,'\"") {
			return errors.New("frame ancestor " + s + " is not a CSP source (a scheme and host such as https://site.example, or 'self')")
		}
	}
	return nil
}

// ContentSecurityPolicy is the pages' policy: scripts, styles and
// connections only from this origin (no inline script or style), images
// also as data: URLs, framing only by the given sources.
func ContentSecurityPolicy(frameAncestors []string) string {
	ancestors := "'none'"
	if len(frameAncestors) > 0 {
		ancestors = strings.Join(frameAncestors, " ")
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors " + ancestors
}

// Handler serves the pages with their security headers: / is the intake,
// /inbox/ the inbox, and every other path the file of that name.
func Handler(opts Options) http.Handler {
	csp := ContentSecurityPolicy(opts.FrameAncestors)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if len(opts.FrameAncestors) == 0 {
			h.Set("X-Frame-Options", "DENY")
		}
		h.Set("Cache-Control", "no-cache")
		name, ok := fileFor(r.URL.Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeFileFS(w, r, files, name)
	})
}

// fileFor maps a URL path to an embedded file.
func fileFor(urlPath string) (string, bool) {
	switch urlPath {
	case "/", "/intake/":
		return "intake/index.html", true
	case "/inbox/":
		return "inbox/index.html", true
	}
	name := strings.TrimPrefix(path.Clean(urlPath), "/")
	if !servable(name) {
		return "", false
	}
	if info, err := fs.Stat(files, name); err != nil || info.IsDir() {
		return "", false
	}
	return name, true
}

// servable reports whether name is a page file: under one of the pages'
// directories and of a type pages use (never this package's Go source).
func servable(name string) bool {
	dir, _, ok := strings.Cut(name, "/")
	if !ok {
		return false
	}
	switch dir {
	case "intake", "inbox", "shared", "vendor":
	default:
		return false
	}
	switch path.Ext(name) {
	case ".html", ".js", ".mjs", ".css", ".svg", ".png", ".ico", ".woff2", ".json", ".txt", ".map":
		return true
	}
	return false
}
