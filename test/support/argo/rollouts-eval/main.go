// Evaluates Argo Rollouts analysis conditions the way Argo Rollouts does for a Prometheus metric:
// the provider turns a vector or matrix into []float64 (a scalar into float64) and binds it as
// `result`; successCondition and failureCondition are antonmedv/expr programs over `result` and
// the helpers isNaN, isInf, asInt, asFloat, isNil and default; the two booleans give the phase.
// Written after argo-rollouts utils/evaluate/evaluate.go and metricproviders/prometheus/prometheus.go.
// Argo Rollouts links expr-lang/expr (the renamed antonmedv/expr, 1.16+); Debian ships antonmedv/expr
// 1.8.9, which has the same operators, indexing and builtins the generated conditions use.
//
// stdin:  [{"successCondition": "...", "failureCondition": "...", "result": {"type": "vector", "values": ["0.99", "NaN"]}}, ...]
// stdout: [{"phase": "Successful|Failed|Inconclusive|Error", "message": "..."}, ...]
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"

	"github.com/antonmedv/expr"
)

type result struct {
	Type   string   `json:"type"` // vector, matrix or scalar
	Values []string `json:"values"`
}

type condition struct {
	Success string `json:"successCondition"`
	Failure string `json:"failureCondition"`
	Result  result `json:"result"`
}

type verdict struct {
	Phase   string `json:"phase"`
	Message string `json:"message,omitempty"`
}

// providerValue is what the Prometheus provider hands to the evaluator.
func providerValue(r result) (interface{}, error) {
	floats := make([]float64, 0, len(r.Values))
	for _, v := range r.Values {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, err
		}
		floats = append(floats, f)
	}
	switch r.Type {
	case "vector", "matrix":
		return floats, nil
	case "scalar":
		if len(floats) != 1 {
			return nil, fmt.Errorf("a scalar has one value")
		}
		return floats[0], nil
	}
	return nil, fmt.Errorf("Prometheus metric type not supported")
}

func toFloat(in interface{}) float64 {
	v := reflect.ValueOf(in)
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint())
	case reflect.String:
		f, err := strconv.ParseFloat(v.String(), 64)
		if err != nil {
			panic(err)
		}
		return f
	}
	panic(fmt.Sprintf("asFloat() not supported on %v %v", reflect.TypeOf(in), in))
}

func toInt(in interface{}) int64 {
	v := reflect.ValueOf(in)
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return int64(v.Float())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(v.Uint())
	case reflect.String:
		i, err := strconv.ParseInt(v.String(), 10, 64)
		if err != nil {
			panic(err)
		}
		return i
	}
	panic(fmt.Sprintf("asInt() not supported on %v %v", reflect.TypeOf(in), in))
}

func nilValue(in interface{}) bool {
	if in == nil {
		return true
	}
	switch v := reflect.ValueOf(in); v.Kind() {
	case reflect.Ptr, reflect.Map, reflect.Array, reflect.Chan, reflect.Slice:
		return v.IsNil()
	}
	return false
}

// eval runs one condition. As in Argo, isNil and default look at the measurement, not at
// their argument: isNil(x) is "the result is nil", default(x, d) is "the result, or d if nil".
func eval(cond string, value interface{}) (bool, error) {
	env := map[string]interface{}{
		"result":  value,
		"isNaN":   math.IsNaN,
		"isInf":   func(f float64) bool { return math.IsInf(f, 0) },
		"asInt":   toInt,
		"asFloat": toFloat,
		"isNil":   func(interface{}) bool { return nilValue(value) },
		"default": func(_ interface{}, d interface{}) interface{} {
			if nilValue(value) {
				return d
			}
			return value
		},
	}
	program, err := expr.Compile(cond, expr.Env(env))
	if err != nil {
		return false, err
	}
	out, err := expr.Run(program, env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("expected bool, but got %T", out)
	}
	return b, nil
}

func judge(c condition) verdict {
	value, err := providerValue(c.Result)
	if err != nil {
		return verdict{"Error", err.Error()}
	}
	var success, failure bool
	if c.Success != "" {
		if success, err = eval(c.Success, value); err != nil {
			return verdict{"Error", "successCondition: " + err.Error()}
		}
	}
	if c.Failure != "" {
		if failure, err = eval(c.Failure, value); err != nil {
			return verdict{"Error", "failureCondition: " + err.Error()}
		}
	}
	// A missing condition is the negation of the other one; neither means success.
	switch {
	case c.Success == "" && c.Failure == "":
		return verdict{Phase: "Successful"}
	case c.Failure == "":
		failure = !success
	case c.Success == "":
		success = !failure
	}
	switch {
	case failure:
		return verdict{Phase: "Failed"}
	case success:
		return verdict{Phase: "Successful"}
	}
	return verdict{Phase: "Inconclusive"}
}

func main() {
	var conditions []condition
	if err := json.NewDecoder(os.Stdin).Decode(&conditions); err != nil {
		fmt.Fprintln(os.Stderr, "error: reading conditions:", err)
		os.Exit(2)
	}
	verdicts := make([]verdict, len(conditions))
	for i, c := range conditions {
		verdicts[i] = judge(c)
	}
	if err := json.NewEncoder(os.Stdout).Encode(verdicts); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
