package dynamodb

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// span is where one top-level attribute of one item lies in a batch.
type span struct {
	item       int
	attr       string
	start, end int
}

// appendItem writes item as plain JSON (typed values unwrapped, map keys
// sorted) to b, recording the span of every top-level attribute. Binary
// values (B, BS) are written as null: they are opaque to the audit, which
// counts them as encrypted or encoded data (docs/audit.md).
func appendItem(b []byte, idx int, item map[string]types.AttributeValue, spans []span) ([]byte, []span) {
	keys := make([]string, 0, len(item))
	for k := range item {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		start := len(b)
		b = appendString(b, k)
		b = append(b, ':')
		b = appendValue(b, item[k], 0)
		spans = append(spans, span{item: idx, attr: k, start: start, end: len(b)})
	}
	return append(b, '}'), spans
}

// maxDepth bounds nesting (DynamoDB allows 32 levels).
const maxDepth = 32

func appendValue(b []byte, av types.AttributeValue, depth int) []byte {
	if depth > maxDepth {
		return append(b, "null"...)
	}
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return appendString(b, v.Value)
	case *types.AttributeValueMemberN:
		return appendNumber(b, v.Value)
	case *types.AttributeValueMemberBOOL:
		return strconv.AppendBool(b, v.Value)
	case *types.AttributeValueMemberM:
		keys := make([]string, 0, len(v.Value))
		for k := range v.Value {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendValue(b, v.Value[k], depth+1)
		}
		return append(b, '}')
	case *types.AttributeValueMemberL:
		b = append(b, '[')
		for i, e := range v.Value {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e, depth+1)
		}
		return append(b, ']')
	case *types.AttributeValueMemberSS:
		b = append(b, '[')
		for i, s := range v.Value {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		return append(b, ']')
	case *types.AttributeValueMemberNS:
		b = append(b, '[')
		for i, s := range v.Value {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendNumber(b, s)
		}
		return append(b, ']')
	}
	// NULL, B, BS and unknown members.
	return append(b, "null"...)
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// appendNumber writes a DynamoDB number as a JSON number when it is one,
// else as a string.
func appendNumber(b []byte, s string) []byte {
	if json.Valid([]byte(s)) {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return append(b, s...)
		}
	}
	return appendString(b, s)
}
