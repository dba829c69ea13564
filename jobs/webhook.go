package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/triagem/triagem"
)

// Webhook headers.
const (
	HeaderSignature      = "X-Triagem-Signature"
	HeaderTimestamp      = "X-Triagem-Timestamp"
	HeaderIdempotencyKey = "Idempotency-Key"
)

// maxErrorBody is how much of a refusing answer's body is kept in the
// task's error.
const maxErrorBody = 200

// Sign returns the X-Triagem-Signature value of body: "sha256=" and the hex
// HMAC-SHA256 of body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether signature is body's under secret, in
// constant time. Receivers of the webhook use it.
func VerifySignature(secret string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(signature))
}

// IdempotencyKey is the same for every delivery attempt of one case's
// result, so that a receiver can drop repeats.
func IdempotencyKey(caseID string) string { return caseID + ":completed" }

// deliver POSTs the result. 2xx is done; 408, 429, 5xx and transport errors
// are retried with backoff; any other answer will not get better by
// repeating, so the job is cancelled with the status as its error.
func (c *Client) deliver(ctx context.Context, caseID string, result *triagem.Result) error {
	body, err := json.Marshal(result)
	if err != nil {
		return river.JobCancel(fmt.Errorf("marshal result of case %s: %w", caseID, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return river.JobCancel(fmt.Errorf("webhook request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Triagem-Webhook/1")
	req.Header.Set(HeaderSignature, Sign(c.cfg.WebhookSecret, body))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(time.Now().Unix(), 10))
	req.Header.Set(HeaderIdempotencyKey, IdempotencyKey(caseID))

	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("webhook delivery: %w", err)
	}
	defer resp.Body.Close()
	snippet := readSnippet(resp.Body)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	failure := fmt.Errorf("webhook answered %s%s", resp.Status, snippet)
	if retryableStatus(resp.StatusCode) {
		return failure
	}
	return river.JobCancel(failure)
}

func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || code >= 500
}

// readSnippet keeps the start of an answer's body for the error message and
// drains a little more so that the connection can be reused.
func readSnippet(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, maxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10))
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), ""))
	if s == "" {
		return ""
	}
	return ": " + s
}
