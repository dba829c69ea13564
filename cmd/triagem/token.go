package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/auth"
)

// runToken prints a signed bearer token. Without -secret (or
// TRIAGEM_JWT_SECRET) it signs with the dev secret the dev-mode server uses.
func runToken(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sub := fs.String("sub", "", "user id (subject); required")
	role := fs.String("role", string(triagem.RoleClient), "role: client, staff, service or admin")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	secret := fs.String("secret", os.Getenv("TRIAGEM_JWT_SECRET"), "HS256 secret (TRIAGEM_JWT_SECRET); empty uses the dev secret")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *sub == "" {
		fs.Usage()
		return fmt.Errorf("-sub is required")
	}
	tok, err := auth.Mint(cmp.Or(*secret, auth.DevSecret), *sub, triagem.Role(*role), *ttl, time.Now())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}
