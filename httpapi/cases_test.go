package httpapi_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
	"github.com/triagem/triagem/bus"
	"github.com/triagem/triagem/internal/sse"
	"github.com/triagem/triagem/internal/testenv"
)

type caseDetail struct {
	Case     map[string]any `json:"case"`
	Messages []struct {
		Index int    `json:"index"`
		Role  string `json:"role"`
		Text  string `json:"text"`
	} `json:"messages"`
	Result   *triagem.Result   `json:"result"`
	Contact  *triagem.Contact  `json:"contact"`
	Handling *triagem.Handling `json:"handling"`
}

func (f *fixture) detail(token, caseID string) caseDetail {
	f.t.Helper()
	var d caseDetail
	resp := f.call(http.MethodGet, "/api/v2/triage/cases/"+caseID, token, nil, &d)
	require.Equal(f.t, http.StatusOK, resp.StatusCode)
	return d
}

type caseList struct {
	Cases      []map[string]any `json:"cases"`
	NextCursor *string          `json:"next_cursor"`
}

func (f *fixture) list(token, query string) caseList {
	f.t.Helper()
	var l caseList
	resp := f.call(http.MethodGet, "/api/v2/triage/cases"+query, token, nil, &l)
	require.Equal(f.t, http.StatusOK, resp.StatusCode, "list %s", query)
	return l
}

func caseIDs(l caseList) []string {
	var ids []string
	for _, c := range l.Cases {
		ids = append(ids, c["case_id"].(string))
	}
	return ids
}

func testCaseDetail(t *testing.T, f *fixture) {
	alice := f.token("alice", triagem.RoleClient)
	staff := f.token("ana", triagem.RoleStaff)
	s := f.start(alice)
	f.say(alice, s.CaseID, "Fui demitido sem receber as verbas rescisórias.")

	d := f.detail(alice, s.CaseID)
	require.Equal(t, s.CaseID, d.Case["case_id"])
	require.Equal(t, "interviewing", d.Case["status"])
	require.Len(t, d.Messages, 3)
	require.Equal(t, "interviewer", d.Messages[0].Role)
	require.Equal(t, "client", d.Messages[1].Role)
	require.Equal(t, "Fui demitido sem receber as verbas rescisórias.", d.Messages[1].Text)
	require.Nil(t, d.Handling, "the firm's handling is not the client's to see")
	require.Nil(t, d.Result)

	sd := f.detail(staff, s.CaseID)
	require.NotNil(t, sd.Handling)
	require.Equal(t, triagem.HandlingNew, sd.Handling.State)

	f.expectProblem(http.MethodGet, "/api/v2/triage/cases/"+s.CaseID, f.token("bob", triagem.RoleClient), nil, http.StatusNotFound, triagem.ENOTFOUND)
	f.expectProblem(http.MethodGet, "/api/v2/triage/cases/not-a-uuid", alice, nil, http.StatusBadRequest, triagem.EINVALIDCASEID)
	f.expectProblem(http.MethodGet, "/api/v2/triage/cases/"+s.CaseID, "", nil, http.StatusUnauthorized, triagem.EUNAUTHORIZED)

	converse(t, f, alice, s.CaseID, []string{"Foi em 05/08/2024 em Curitiba.", "Tenho a carteira e os holerites.", "Me devem R$ 12.000,00."})
	f.waitStatus(alice, s.CaseID, "completed")
	d = f.detail(alice, s.CaseID)
	require.NotNil(t, d.Result)
	require.NotEmpty(t, d.Case["area"], "the summary carries the area's display name")
	require.NotEmpty(t, d.Case["urgency_level"])
	require.Positive(t, d.Case["urgency_h"])
}

func testContact(t *testing.T, f *fixture) {
	alice := f.token("alice", triagem.RoleClient)
	s := f.start(alice)
	path := "/api/v2/triage/cases/" + s.CaseID + "/contact"

	for _, bad := range []map[string]any{
		{},
		{"name": "Maria"},
		{"email": "not-an-address"},
		{"email": "Maria <maria@example.com>"},
		{"phone": "123"},
		{"phone": "call me maybe"},
	} {
		f.expectProblem(http.MethodPut, path, alice, bad, http.StatusBadRequest, triagem.EINVALIDCONTACT)
	}
	f.expectProblem(http.MethodPut, path, alice, `{"email": 7}`, http.StatusBadRequest, triagem.EINVALIDJSON)
	require.Nil(t, f.detail(alice, s.CaseID).Contact, "nothing stored by refused requests")

	var c triagem.Contact
	resp := f.call(http.MethodPut, path, alice, map[string]any{"name": " Maria Silva ", "email": "maria@example.com", "phone": "+55 (11) 91234-5678"}, &c)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "Maria Silva", c.Name)
	require.False(t, c.At.IsZero())

	d := f.detail(alice, s.CaseID)
	require.Equal(t, "maria@example.com", d.Contact.Email)
	require.Equal(t, true, d.Case["has_contact"])
	staff := f.token("ana", triagem.RoleStaff)
	require.Equal(t, "+55 (11) 91234-5678", f.detail(staff, s.CaseID).Contact.Phone, "the firm sees it to call back")

	f.expectProblem(http.MethodPut, path, f.token("bob", triagem.RoleClient), map[string]any{"email": "bob@example.com"}, http.StatusNotFound, triagem.ENOTFOUND)
	f.expectProblem(http.MethodPut, path, staff, map[string]any{"email": "x@example.com"}, http.StatusForbidden, triagem.EFORBIDDEN)
	require.Equal(t, "maria@example.com", f.detail(alice, s.CaseID).Contact.Email)
}

func testHandlingAndNotes(t *testing.T, f *fixture) {
	alice := f.token("alice", triagem.RoleClient)
	staff := f.token("ana", triagem.RoleStaff)
	admin := f.token("root", triagem.RoleAdmin)
	s := f.start(alice)
	handling := "/api/v2/triage/cases/" + s.CaseID + "/handling"
	notes := "/api/v2/triage/cases/" + s.CaseID + "/notes"

	var h triagem.Handling
	resp := f.call(http.MethodPatch, handling, staff, map[string]any{"assignee": "ana"}, &h)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "ana", h.Assignee)
	require.Equal(t, triagem.HandlingNew, h.State)
	resp = f.call(http.MethodPatch, handling, admin, map[string]any{"state": "contacted"}, &h)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, triagem.HandlingContacted, h.State)
	require.Equal(t, "ana", h.Assignee)

	var n triagem.Note
	resp = f.call(http.MethodPost, notes, staff, map[string]any{"text": "Liguei e deixei recado."}, &n)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	require.Equal(t, "ana", n.Author)
	require.NotEmpty(t, n.ID)

	// Refused: wrong role, bad input, unknown case; nothing changes.
	f.expectProblem(http.MethodPatch, handling, alice, map[string]any{"state": "closed"}, http.StatusForbidden, triagem.EFORBIDDEN)
	f.expectProblem(http.MethodPost, notes, alice, map[string]any{"text": "oi"}, http.StatusForbidden, triagem.EFORBIDDEN)
	f.expectProblem(http.MethodPatch, handling, staff, map[string]any{"state": "archived"}, http.StatusBadRequest, triagem.EINVALID)
	f.expectProblem(http.MethodPatch, handling, staff, map[string]any{}, http.StatusBadRequest, triagem.EINVALID)
	f.expectProblem(http.MethodPatch, handling, staff, "{", http.StatusBadRequest, triagem.EINVALIDJSON)
	f.expectProblem(http.MethodPost, notes, staff, map[string]any{"text": "   "}, http.StatusBadRequest, triagem.EINVALID)
	f.expectProblem(http.MethodPost, notes, staff, map[string]any{"text": string(bytes.Repeat([]byte("a"), triagem.MaxNoteLength+1))}, http.StatusBadRequest, triagem.EINVALID)
	missing := "/api/v2/triage/cases/00000000-0000-4000-8000-000000000000"
	f.expectProblem(http.MethodPatch, missing+"/handling", staff, map[string]any{"state": "closed"}, http.StatusNotFound, triagem.ENOTFOUND)
	f.expectProblem(http.MethodPost, missing+"/notes", staff, map[string]any{"text": "x"}, http.StatusNotFound, triagem.ENOTFOUND)

	d := f.detail(staff, s.CaseID)
	require.Equal(t, triagem.HandlingContacted, d.Handling.State)
	require.Len(t, d.Handling.Notes, 1)
	require.Equal(t, "Liguei e deixei recado.", d.Handling.Notes[0].Text)
	require.Nil(t, f.detail(alice, s.CaseID).Handling)
	var listed map[string]any
	for _, c := range f.list(staff, "?handling=contacted").Cases {
		if c["case_id"] == s.CaseID {
			listed = c
		}
	}
	require.Equal(t, map[string]any{"state": "contacted", "assignee": "ana"}, listed["handling"])
}

func testCaseListFiltersSortsAndPages(t *testing.T, f *fixture) {
	alice := f.token("alice", triagem.RoleClient)
	bob := f.token("bob", triagem.RoleClient)
	staff := f.token("ana", triagem.RoleStaff)
	a1 := f.start(alice)
	a2 := f.start(alice)
	b1 := f.start(bob)
	converse(t, f, bob, b1.CaseID, []string{
		"Fui demitido sem receber as verbas rescisórias nem as horas extras.",
		"Foi em 05/08/2024 em Curitiba.", "Tenho a carteira e os holerites.",
	})
	f.waitStatus(bob, b1.CaseID, "completed")

	require.ElementsMatch(t, []string{a1.CaseID, a2.CaseID}, caseIDs(f.list(alice, "")), "a client sees its own cases")
	all := f.list(staff, "")
	require.Equal(t, []string{b1.CaseID, a2.CaseID, a1.CaseID}, caseIDs(all),
		"most urgent first, no urgency yet last, then newest first")
	first := all.Cases[0]
	require.NotEmpty(t, first["urgency_level"])
	require.NotEmpty(t, first["area"])
	require.Nil(t, all.NextCursor)

	require.Equal(t, []string{b1.CaseID}, caseIDs(f.list(staff, "?status=completed")))
	require.Equal(t, []string{a2.CaseID, a1.CaseID}, caseIDs(f.list(staff, "?status=interviewing&handling=new")))
	area := first["area_id"].(string)
	require.Contains(t, caseIDs(f.list(staff, "?area="+area)), b1.CaseID)
	require.Equal(t, []string{b1.CaseID}, caseIDs(f.list(staff, "?urgency="+first["urgency_level"].(string))))

	page := f.list(staff, "?limit=2")
	require.Len(t, page.Cases, 2)
	require.NotNil(t, page.NextCursor)
	rest := f.list(staff, "?limit=2&cursor="+url.QueryEscape(*page.NextCursor))
	require.Equal(t, caseIDs(all), append(caseIDs(page), caseIDs(rest)...))
	require.Len(t, f.list(staff, "?sort=updated").Cases, 3)

	for _, bad := range []string{"?status=archived", "?area=astrologia", "?urgency=extrema", "?handling=lost", "?sort=name", "?limit=0", "?limit=x", "?cursor=zzz"} {
		f.expectProblem(http.MethodGet, "/api/v2/triage/cases"+bad, staff, nil, http.StatusBadRequest, triagem.EINVALID)
	}
}

func testDeleteErasesContactHandlingAndNotes(t *testing.T, f *fixture) {
	alice := f.token("alice", triagem.RoleClient)
	staff := f.token("ana", triagem.RoleStaff)
	s := f.start(alice)
	require.Equal(t, http.StatusOK, f.call(http.MethodPut, "/api/v2/triage/cases/"+s.CaseID+"/contact", alice, map[string]any{"email": "maria@example.com"}, nil).StatusCode)
	require.Equal(t, http.StatusOK, f.call(http.MethodPatch, "/api/v2/triage/cases/"+s.CaseID+"/handling", staff, map[string]any{"state": "contacted"}, nil).StatusCode)
	require.Equal(t, http.StatusCreated, f.call(http.MethodPost, "/api/v2/triage/cases/"+s.CaseID+"/notes", staff, map[string]any{"text": "nota"}, nil).StatusCode)

	f.expectProblem(http.MethodDelete, "/api/v2/triage/cases/"+s.CaseID, staff, nil, http.StatusForbidden, triagem.EFORBIDDEN)
	require.Equal(t, http.StatusNoContent, f.call(http.MethodDelete, "/api/v2/triage/cases/"+s.CaseID, alice, nil, nil).StatusCode)

	ctx := t.Context()
	_, err := f.store.ContactGet(ctx, s.CaseID)
	require.Equal(t, triagem.ENOTFOUND, triagem.ErrorCode(err))
	_, err = f.store.HandlingGet(ctx, s.CaseID)
	require.Equal(t, triagem.ENOTFOUND, triagem.ErrorCode(err))
	var rows int
	for _, table := range []string{"case_contacts", "case_handling", "case_notes", "messages", "cases"} {
		require.NoError(t, f.store.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&rows))
		require.Zero(t, rows, table)
	}
	f.expectProblem(http.MethodGet, "/api/v2/triage/cases/"+s.CaseID, staff, nil, http.StatusNotFound, triagem.ENOTFOUND)
}

// syncBuffer is a log sink safe for the service's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestFirmDataOnItsOwn runs, in order, the parts that look at the whole
// database or its logs, on a service of their own.
func TestFirmDataOnItsOwn(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	f := newFixture(t, fixtureOpts{logs: logs})
	t.Run("DeleteErasesContactHandlingAndNotes", func(t *testing.T) { f.t = t; testDeleteErasesContactHandlingAndNotes(t, f) })
	t.Run("ContactAndNotesNeverReachTheLogs", func(t *testing.T) { f.t = t; testContactAndNotesNeverReachTheLogs(t, f, logs) })
	t.Run("CaseListFiltersSortsAndPages", func(t *testing.T) { f.t = t; testCaseListFiltersSortsAndPages(t, f) })
}

func testContactAndNotesNeverReachTheLogs(t *testing.T, f *fixture, logs *syncBuffer) {
	alice := f.token("alice", triagem.RoleClient)
	staff := f.token("ana", triagem.RoleStaff)
	s := f.start(alice)
	in := f.openSSE(staff, "/api/v2/inbox/stream", nil, nil)
	require.Equal(t, "initial_state", in.next(t).Event)
	f.call(http.MethodPut, "/api/v2/triage/cases/"+s.CaseID+"/contact", alice,
		map[string]any{"name": "Maria Sigilosa", "email": "maria.sigilosa@example.com", "phone": "+55 11 98765-4321"}, nil)
	f.call(http.MethodPut, "/api/v2/triage/cases/"+s.CaseID+"/contact", alice, map[string]any{"email": "rejeitado-sigiloso@"}, nil)
	f.call(http.MethodPost, "/api/v2/triage/cases/"+s.CaseID+"/notes", staff, map[string]any{"text": "Nota interna sigilosa"}, nil)
	f.detail(staff, s.CaseID)
	in.until(t, triagem.EventCaseUpdated)
	require.Equal(t, http.StatusNoContent, f.call(http.MethodDelete, "/api/v2/triage/cases/"+s.CaseID, alice, nil, nil).StatusCode)

	out := logs.String()
	require.Contains(t, out, "contact details saved", "the logs were captured")
	require.Contains(t, out, "note added")
	for _, secret := range []string{"Sigilosa", "sigilosa", "98765", "rejeitado-sigiloso", "Nota interna"} {
		require.NotContains(t, out, secret)
	}
}

// inboxUpdates reads the inbox stream until a frame for caseID named name.
func inboxFrame(t *testing.T, c *streamClient, name, caseID string) sse.Frame {
	t.Helper()
	for {
		fr := c.next(t)
		if fr.Event == name && bytes.Contains([]byte(fr.Data), []byte(`"case_id":"`+caseID+`"`)) {
			return fr
		}
	}
}

func testInboxStreamIsForTheFirm(t *testing.T, f *fixture) {
	f.expectProblem(http.MethodGet, "/api/v2/inbox/stream", f.token("alice", triagem.RoleClient), nil, http.StatusForbidden, triagem.EFORBIDDEN)
	f.expectProblem(http.MethodGet, "/api/v2/inbox/stream", "", nil, http.StatusUnauthorized, triagem.EUNAUTHORIZED)
	f.expectProblem(http.MethodGet, "/api/v2/inbox/stream?last_event_id=x", f.token("ana", triagem.RoleStaff), nil, http.StatusBadRequest, triagem.EINVALID)
	c := f.openSSE(f.token("root", triagem.RoleAdmin), "/api/v2/inbox/stream", nil, nil)
	require.Equal(t, "initial_state", c.next(t).Event)
}

func TestInboxStreamMemory(t *testing.T) {
	t.Parallel()
	testInboxStream(t, fixtureOpts{})
}

func testInboxStream(t *testing.T, opts fixtureOpts) {
	f := newFixture(t, opts)
	alice := f.token("alice", triagem.RoleClient)
	staff := f.token("ana", triagem.RoleStaff)

	c := f.openSSE(staff, "/api/v2/inbox/stream", nil, nil)
	init := c.next(t)
	require.Equal(t, "initial_state", init.Event)
	require.Contains(t, init.Data, `"last_event_id":`)

	s := f.start(alice)
	fr := inboxFrame(t, c, triagem.EventCaseUpdated, s.CaseID)
	require.True(t, fr.HasID)
	require.Contains(t, fr.Data, `"status":"interviewing"`)
	require.Contains(t, fr.Data, `"handling":{"state":"new","assignee":""}`)
	require.Contains(t, fr.Data, `"seq":`+fr.ID)
	last, err := strconv.ParseInt(fr.ID, 10, 64)
	require.NoError(t, err)
	c.close()

	// Missed while away: a turn, the firm's handling, a note.
	f.say(alice, s.CaseID, "Fui demitido sem receber as verbas rescisórias.")
	f.call(http.MethodPatch, "/api/v2/triage/cases/"+s.CaseID+"/handling", staff, map[string]any{"assignee": "ana"}, nil)
	f.call(http.MethodPost, "/api/v2/triage/cases/"+s.CaseID+"/notes", staff, map[string]any{"text": "ver amanhã"}, nil)
	head, err := f.bus.LastSeq(t.Context(), triagem.InboxChannel)
	require.NoError(t, err)
	require.Equal(t, last+3, head, "one case_updated per committed change")

	c2 := f.openSSE(staff, "/api/v2/inbox/stream", http.Header{"Last-Event-Id": {strconv.FormatInt(last, 10)}}, nil)
	require.Equal(t, "initial_state", c2.next(t).Event)
	var replayed []sse.Frame
	for range 3 {
		replayed = append(replayed, c2.next(t))
	}
	require.Equal(t, []int64{last + 1, last + 2, last + 3}, inboxSeqs(t, replayed), "exactly what was missed, once")
	require.Contains(t, replayed[2].Data, `"assignee":"ana"`)

	// Live: the case completes, then is erased.
	converse(t, f, alice, s.CaseID, []string{"Foi em 05/08/2024 em Curitiba.", "Tenho a carteira e os holerites.", "Me devem R$ 12.000,00."})
	f.waitStatus(alice, s.CaseID, "completed")
	for {
		fr := inboxFrame(t, c2, triagem.EventCaseUpdated, s.CaseID)
		if bytes.Contains([]byte(fr.Data), []byte(`"status":"completed"`)) {
			require.Contains(t, fr.Data, `"urgency_level":`)
			break
		}
	}
	require.Equal(t, http.StatusNoContent, f.call(http.MethodDelete, "/api/v2/triage/cases/"+s.CaseID, alice, nil, nil).StatusCode)
	erased := inboxFrame(t, c2, triagem.EventCaseErased, s.CaseID)
	require.NotContains(t, erased.Data, "status")
}

func inboxSeqs(t *testing.T, frames []sse.Frame) []int64 {
	t.Helper()
	var out []int64
	for _, fr := range frames {
		n, err := strconv.ParseInt(fr.ID, 10, 64)
		require.NoError(t, err)
		out = append(out, n)
	}
	return out
}

func TestInboxStreamRedis(t *testing.T) {
	t.Parallel()
	b, err := bus.NewRedis(t.Context(), bus.RedisConfig{
		URL: testenv.RedisURL(t), Prefix: "triagem-test-inbox-" + uuid.NewString()[:8] + ":",
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	require.NoError(t, b.Ready(t.Context()))
	testInboxStream(t, fixtureOpts{bus: b})
}
