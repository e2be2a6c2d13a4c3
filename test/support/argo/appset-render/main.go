// Renders the Applications an ApplicationSet's list generator produces, as Argo CD's
// ApplicationSet controller does with goTemplate: every string in spec.template, map keys
// included, is a Go text/template executed with the element as data, with the sprig functions
// (minus env, expandenv and getHostByName, which Argo CD removes) and spec.goTemplateOptions
// (e.g. missingkey=error). Written after argo-cd applicationset/utils/utils.go (Render.Replace,
// deeplyReplace) and applicationset/generators/list.go.
// Not modelled (refused with an error): other generators, templatePatch, non-goTemplate mode,
// and Argo CD's own extra functions (toYaml, fromYaml, normalize, slugify).
//
// stdin:  the ApplicationSet as JSON; stdout: [Application, ...] as JSON, in element order.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"text/template"

	"github.com/Masterminds/sprig"
)

func functions() template.FuncMap {
	fm := sprig.TxtFuncMap()
	for _, name := range []string{"env", "expandenv", "getHostByName"} {
		delete(fm, name)
	}
	return fm
}

type renderer struct {
	options []string
	data    map[string]interface{}
}

func (r renderer) text(s string) (string, error) {
	t := template.New("").Funcs(functions())
	for _, o := range r.options {
		t = t.Option(o)
	}
	t, err := t.Parse(s)
	if err != nil {
		return "", fmt.Errorf("failed to parse template %s: %w", s, err)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, r.data); err != nil {
		return "", fmt.Errorf("failed to execute go template %s: %w", s, err)
	}
	return out.String(), nil
}

// walk templates every string of a JSON value; null map values are dropped, as Argo CD does.
func (r renderer) walk(v interface{}) (interface{}, error) {
	switch x := v.(type) {
	case string:
		return r.text(x)
	case []interface{}:
		out := make([]interface{}, len(x))
		for i, e := range x {
			var err error
			if out[i], err = r.walk(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]interface{}:
		out := map[string]interface{}{}
		for k, e := range x {
			if e == nil {
				continue
			}
			key, err := r.text(k)
			if err != nil {
				return nil, err
			}
			if out[key], err = r.walk(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

type appSet struct {
	Spec struct {
		GoTemplate        bool                     `json:"goTemplate"`
		GoTemplateOptions []string                 `json:"goTemplateOptions"`
		Generators        []map[string]interface{} `json:"generators"`
		Template          map[string]interface{}   `json:"template"`
		TemplatePatch     string                   `json:"templatePatch"`
	} `json:"spec"`
}

func render(set appSet) ([]interface{}, error) {
	if !set.Spec.GoTemplate {
		return nil, errors.New("only goTemplate: true is modelled")
	}
	if set.Spec.TemplatePatch != "" {
		return nil, errors.New("templatePatch is not modelled")
	}
	apps := []interface{}{}
	for _, g := range set.Spec.Generators {
		list, ok := g["list"].(map[string]interface{})
		if !ok || len(g) != 1 {
			return nil, errors.New("only list generators are modelled")
		}
		elements, _ := list["elements"].([]interface{})
		for _, e := range elements {
			element, ok := e.(map[string]interface{})
			if !ok {
				return nil, errors.New("error unmarshling list element")
			}
			app, err := renderer{set.Spec.GoTemplateOptions, element}.walk(set.Spec.Template)
			if err != nil {
				return nil, err
			}
			a := app.(map[string]interface{})
			a["apiVersion"], a["kind"] = "argoproj.io/v1alpha1", "Application"
			apps = append(apps, a)
		}
	}
	return apps, nil
}

func main() {
	var set appSet
	if err := json.NewDecoder(os.Stdin).Decode(&set); err != nil {
		fmt.Fprintln(os.Stderr, "error: reading the ApplicationSet:", err)
		os.Exit(2)
	}
	apps, err := render(set)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(apps); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
