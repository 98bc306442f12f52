module github.com/leakhound/leakhound

go 1.26.0

require golang.org/x/time v0.16.0

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	golang.org/x/text v0.14.0 // indirect
)
