package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// testOpenAPIMatchesRoutes (run by TestPagesAPI, in dev mode so that
// every route exists) keeps the published document in step with the
// routes the server really has, both ways.
func testOpenAPIMatchesRoutes(t *testing.T, f *fixture) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	resp := f.call(http.MethodGet, "/api/v2/openapi.json", "", nil, &doc)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "3.1.0", doc.OpenAPI)
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	routes := f.api.Routes()
	slices.Sort(documented)
	slices.Sort(routes)
	require.Equal(t, routes, documented)
}

type openAPISchema struct {
	Enum       []string                  `json:"enum"`
	Properties map[string]map[string]any `json:"properties"`
}

func openAPISchemas(t *testing.T, f *fixture) map[string]openAPISchema {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]openAPISchema `json:"schemas"`
		} `json:"components"`
	}
	resp := f.call(http.MethodGet, "/api/v2/openapi.json", "", nil, &doc)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return doc.Components.Schemas
}

// testOpenAPIEnumsFollowTheRoot keeps the document's enums equal to the
// root's one vocabulary: a new area or level fails here until documented.
func testOpenAPIEnumsFollowTheRoot(t *testing.T, f *fixture) {
	schemas := openAPISchemas(t, f)
	strs := func(vs ...string) []string { return vs }
	var areas, levels, handling, sentiments, statuses, roles []string
	for _, a := range triagem.Areas() {
		areas = append(areas, string(a))
	}
	for _, l := range triagem.UrgencyLevels() {
		levels = append(levels, string(l.ID))
	}
	for _, h := range triagem.HandlingStates() {
		handling = append(handling, string(h.ID))
	}
	for _, s := range triagem.Sentiments() {
		sentiments = append(sentiments, string(s.ID))
	}
	for _, s := range triagem.Statuses {
		statuses = append(statuses, string(s))
	}
	for _, r := range []triagem.Role{triagem.RoleClient, triagem.RoleStaff, triagem.RoleAdmin, triagem.RoleService} {
		require.True(t, r.Valid())
		roles = append(roles, string(r))
	}
	require.Equal(t, areas, schemas["AreaID"].Enum)
	require.Equal(t, levels, schemas["UrgencyLevel"].Enum)
	require.Equal(t, handling, schemas["HandlingState"].Enum)
	require.Equal(t, sentiments, schemas["Sentiment"].Enum)
	require.Equal(t, statuses, schemas["CaseStatus"].Enum)
	require.Equal(t, roles, schemas["Role"].Enum)
	require.Equal(t, strs("client", "staff", "admin", "service"), roles)
}

// testOpenAPIDocumentsEveryField compares the documented properties with
// the JSON the server writes, so that a new field cannot go undocumented.
func testOpenAPIDocumentsEveryField(t *testing.T, f *fixture) {
	schemas := openAPISchemas(t, f)
	keys := func(v any) []string {
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	documented := func(name string) []string {
		var out []string
		for k := range schemas[name].Properties {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	data := triagem.TriageData{Area: triagem.AreaFamilia, DeadlineWarning: "x", SafetyNotice: "y"}
	require.Equal(t, keys(data), documented("TriageData"))
	require.Equal(t, keys(triagem.AreaAlternative{Area: triagem.AreaCivil}), documented("AreaAlternative"))
	sum := triagem.CaseSummary{Case: triagem.Case{Area: triagem.AreaCivil, Subarea: "contratos", UrgencyH: 24,
		Summary: "s", Complexity: triagem.ComplexityLow, ConsentAt: time.Now()}}
	require.Equal(t, keys(sum), documented("CaseSummary"))
	require.Equal(t, keys(triagem.Contact{}), documented("Contact"))
	require.Equal(t, keys(triagem.Note{}), documented("Note"))
}
