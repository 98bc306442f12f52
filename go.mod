module github.com/leakhound/leakhound

go 1.26.0

require (
	github.com/spf13/pflag v1.0.10
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/time v0.16.0
)

require github.com/google/go-cmp v0.7.0
