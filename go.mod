module github.com/leakhound/leakhound

go 1.26.0

require (
	github.com/nyaruka/phonenumbers v1.8.1
	golang.org/x/net v0.62.0
	golang.org/x/time v0.16.0
)

require (
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
