package httpapi_test

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/triagem/triagem"
)

// streamPaths are the operations whose x-events list a stream's events.
var streamPaths = map[string]string{
	triagem.StreamCase:  "/api/v2/triage/stream/{case_id}",
	triagem.StreamInbox: "/api/v2/inbox/stream",
}

type eventDoc struct {
	Description string `json:"description"`
	Schema      struct {
		Ref string `json:"$ref"`
	} `json:"schema"`
}

type eventSchema struct {
	Properties map[string]json.RawMessage `json:"properties"`
	Required   []string                   `json:"required"`
}

// TestOpenAPIDocumentsEveryEvent keeps the document's x-events in step
// with the root's catalogue, both ways, and each event's schema in step
// with its payload struct: every JSON field documented, and required
// exactly when the field is always sent (no omitempty). It reads the file
// the server embeds.
func TestOpenAPIDocumentsEveryEvent(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("openapi.json")
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]struct {
			Events map[string]eventDoc `json:"x-events"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]eventSchema `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))

	catalogued := map[string][]string{}
	for _, spec := range triagem.EventCatalog() {
		catalogued[spec.Stream] = append(catalogued[spec.Stream], spec.Name)
		t.Run(spec.Stream+"/"+spec.Name, func(t *testing.T) {
			path, ok := streamPaths[spec.Stream]
			require.True(t, ok, "no stream operation for %s", spec.Stream)
			ev, ok := doc.Paths[path]["get"].Events[spec.Name]
			require.True(t, ok, "GET %s: x-events has no %s", path, spec.Name)
			require.Equal(t, spec.Doc, ev.Description, "the description repeats EventCatalog's Doc")
			name, ok := strings.CutPrefix(ev.Schema.Ref, "#/components/schemas/")
			require.True(t, ok, "%s: schema must be a components/schemas $ref, got %q", spec.Name, ev.Schema.Ref)
			schema, ok := doc.Components.Schemas[name]
			require.True(t, ok, "%s: no schema %s", spec.Name, name)

			fields, required := jsonFields(reflect.TypeOf(spec.Payload))
			documented := slices.Sorted(func(yield func(string) bool) {
				for k := range schema.Properties {
					if !yield(k) {
						return
					}
				}
			})
			require.Equal(t, fields, documented, "schema %s: properties of %T", name, spec.Payload)
			require.Equal(t, required, slices.Sorted(slices.Values(schema.Required)),
				"schema %s: required must be the fields of %T without omitempty", name, spec.Payload)
		})
	}
	for stream, path := range streamPaths {
		var listed []string
		for name := range doc.Paths[path]["get"].Events {
			listed = append(listed, name)
		}
		require.ElementsMatch(t, catalogued[stream], listed, "GET %s: x-events lists an event the catalogue lacks", path)
	}
}

// jsonFields lists, sorted, the top-level JSON keys of a struct type as
// encoding/json writes them, and those it always writes. Fields of an
// embedded pointer are written only when it is set, so never required.
func jsonFields(typ reflect.Type) (fields, required []string) {
	collect(typ, true, &fields, &required)
	slices.Sort(fields)
	slices.Sort(required)
	return fields, required
}

func collect(typ reflect.Type, always bool, fields, required *[]string) {
	for f := range typ.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			inner, isPtr := f.Type, f.Type.Kind() == reflect.Pointer
			if isPtr {
				inner = inner.Elem()
			}
			if inner.Kind() == reflect.Struct {
				collect(inner, always && !isPtr, fields, required)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		*fields = append(*fields, name)
		omitted := slices.Contains(strings.Split(opts, ","), "omitempty") ||
			slices.Contains(strings.Split(opts, ","), "omitzero")
		if always && !omitted {
			*required = append(*required, name)
		}
	}
}
