package jobs

import (
	"context"
	"fmt"
	"net/http"

	"riverqueue.com/riverui"
)

// RiverUIPrefixDefault is where the HTTP layer mounts the River UI.
const RiverUIPrefixDefault = "/admin/riverui/"

// RiverUI returns River's dashboard and its JSON API (prefix + "api/…")
// served under prefix, for the dialect's database. It has no authentication
// of its own: mount it behind admin auth. Its background services (caches,
// periodic queries) run until ctx ends.
func (c *Client) RiverUI(ctx context.Context, prefix string) (http.Handler, error) {
	h, err := riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(c.river, nil),
		Logger:    c.log,
		Prefix:    prefix,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: river ui: %w", err)
	}
	if err := h.Start(ctx); err != nil {
		return nil, fmt.Errorf("jobs: river ui: start: %w", err)
	}
	return h, nil
}
