package sqlstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/sqlstore"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "triagem")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()

	// A postgres:// URL here would give the same Store on Postgres.
	store, err := sqlstore.Open(ctx, filepath.Join(dir, "triagem.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}

	c := &triagem.Case{OwnerID: "alice", Status: triagem.StatusInterviewing}
	greeting := []triagem.Message{{Role: triagem.AuthorInterviewer, Text: "Olá! Conte o seu problema."}}
	if err := store.CaseCreate(ctx, triagem.CaseWrite{Case: c, Messages: greeting}); err != nil {
		log.Fatal(err)
	}

	// A turn: the case changes and two messages are appended, atomically.
	c.Questions++
	turn := []triagem.Message{
		{Role: triagem.AuthorClient, Text: "Comprei um produto com defeito."},
		{Role: triagem.AuthorInterviewer, Text: "Quando foi a compra?"},
	}
	if err := store.CaseUpdate(ctx, triagem.CaseWrite{Case: c, Messages: turn}); err != nil {
		log.Fatal(err)
	}

	// Writing from the version read twice loses: someone else got there first.
	stale := *c
	stale.Version--
	err = store.CaseUpdate(ctx, triagem.CaseWrite{Case: &stale})
	fmt.Println("stale write:", triagem.ErrorCode(err))

	messages, err := store.MessageList(ctx, c.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("version:", c.Version)
	for _, m := range messages {
		fmt.Printf("%d %s: %s\n", m.Index, m.Role, m.Text)
	}
	// Output:
	// stale write: conflict
	// version: 2
	// 0 interviewer: Olá! Conte o seu problema.
	// 1 client: Comprei um produto com defeito.
	// 2 interviewer: Quando foi a compra?
}
