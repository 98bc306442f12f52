package safety

// Word is one action word of the classification list: when an operation
// names it as a verb (see Classify), the operation gets the word's class.
type Word struct {
	// Word is lower-case, one token ("reset", "createdb", "logout").
	Word  string
	Class Class
	// Noun marks a word that is also a common noun ("run", "transfer",
	// "sync"). In a path it counts as a verb only as the whole last segment
	// (/jobs/{id}/run, not /run/{id} nor /sync-status); at the head of a
	// summary, only when an object follows ("Run the job", not "Run
	// history").
	Noun bool
}

// Words is the classification list. Never: operations that would wipe the
// target (reset-like) or end the scan's own sessions (logout-like); they
// are sent in no mode. Destructive: operations that delete, trigger or
// change state beyond one object's fields. Write: verbs that create or
// update. Read: verbs that only read; a POST naming one (and nothing else)
// is a read-POST.
var Words = []Word{
	// Reset-like: the whole target's state.
	{Word: "reset", Class: Never},
	{Word: "reinit", Class: Never},
	{Word: "reinitialize", Class: Never},
	{Word: "createdb", Class: Never},
	{Word: "initdb", Class: Never},
	{Word: "dropdb", Class: Never},
	{Word: "resetdb", Class: Never},
	{Word: "flushdb", Class: Never},
	{Word: "flushall", Class: Never},
	{Word: "seed", Class: Never},
	{Word: "reseed", Class: Never},
	{Word: "drop", Class: Never},
	{Word: "truncate", Class: Never},
	{Word: "wipe", Class: Never},
	{Word: "purge", Class: Never},
	{Word: "nuke", Class: Never},
	{Word: "shutdown", Class: Never},
	{Word: "reboot", Class: Never},
	{Word: "restart", Class: Never},
	// Session-ending: the scan's own identities.
	{Word: "logout", Class: Never},
	{Word: "logoff", Class: Never},
	{Word: "signout", Class: Never},
	{Word: "signoff", Class: Never},
	{Word: "revoke", Class: Never},

	// Destructive.
	{Word: "delete", Class: Destructive},
	{Word: "del", Class: Destructive},
	{Word: "remove", Class: Destructive},
	{Word: "destroy", Class: Destructive},
	{Word: "erase", Class: Destructive},
	{Word: "clear", Class: Destructive},
	{Word: "flush", Class: Destructive},
	{Word: "rebuild", Class: Destructive},
	{Word: "reindex", Class: Destructive},
	{Word: "recreate", Class: Destructive},
	{Word: "migrate", Class: Destructive},
	{Word: "kill", Class: Destructive},
	{Word: "terminate", Class: Destructive},
	{Word: "unsubscribe", Class: Destructive},
	{Word: "deactivate", Class: Destructive},
	{Word: "disable", Class: Destructive},
	{Word: "enable", Class: Destructive},
	{Word: "cancel", Class: Destructive},
	{Word: "approve", Class: Destructive},
	{Word: "reject", Class: Destructive},
	{Word: "ban", Class: Destructive},
	{Word: "unban", Class: Destructive},
	{Word: "block", Class: Destructive, Noun: true},
	{Word: "unblock", Class: Destructive},
	{Word: "suspend", Class: Destructive},
	{Word: "lock", Class: Destructive, Noun: true},
	{Word: "unlock", Class: Destructive},
	{Word: "promote", Class: Destructive},
	{Word: "demote", Class: Destructive},
	{Word: "grant", Class: Destructive, Noun: true},
	{Word: "transfer", Class: Destructive, Noun: true},
	{Word: "pay", Class: Destructive},
	{Word: "charge", Class: Destructive, Noun: true},
	{Word: "refund", Class: Destructive, Noun: true},
	{Word: "send", Class: Destructive},
	{Word: "notify", Class: Destructive},
	{Word: "execute", Class: Destructive},
	{Word: "exec", Class: Destructive},
	{Word: "run", Class: Destructive, Noun: true},
	{Word: "trigger", Class: Destructive, Noun: true},
	{Word: "invoke", Class: Destructive},
	{Word: "import", Class: Destructive, Noun: true},
	{Word: "sync", Class: Destructive, Noun: true},
	{Word: "publish", Class: Destructive},
	{Word: "unpublish", Class: Destructive},
	{Word: "archive", Class: Destructive, Noun: true},
	{Word: "restore", Class: Destructive},
	{Word: "rollback", Class: Destructive},
	{Word: "revert", Class: Destructive},
	{Word: "deploy", Class: Destructive},
	{Word: "start", Class: Destructive, Noun: true},
	{Word: "stop", Class: Destructive, Noun: true},
	{Word: "rotate", Class: Destructive},
	{Word: "regenerate", Class: Destructive},
	{Word: "expire", Class: Destructive},
	{Word: "invalidate", Class: Destructive},

	// Write: create or update.
	{Word: "create", Class: Write},
	{Word: "add", Class: Write},
	{Word: "insert", Class: Write},
	{Word: "update", Class: Write, Noun: true},
	{Word: "edit", Class: Write},
	{Word: "modify", Class: Write},
	{Word: "set", Class: Write},
	{Word: "put", Class: Write},
	{Word: "patch", Class: Write},
	{Word: "save", Class: Write},
	{Word: "upsert", Class: Write},
	{Word: "upload", Class: Write},
	{Word: "register", Class: Write},
	{Word: "signup", Class: Write},
	{Word: "subscribe", Class: Write},
	{Word: "invite", Class: Write},
	{Word: "assign", Class: Write},
	{Word: "change", Class: Write, Noun: true},
	{Word: "rename", Class: Write},
	{Word: "move", Class: Write},
	{Word: "copy", Class: Write},
	{Word: "clone", Class: Write},
	{Word: "submit", Class: Write},
	{Word: "generate", Class: Write},
	{Word: "request", Class: Write, Noun: true},

	// Read.
	{Word: "get", Class: Read},
	{Word: "fetch", Class: Read},
	{Word: "list", Class: Read},
	{Word: "search", Class: Read},
	{Word: "query", Class: Read},
	{Word: "find", Class: Read},
	{Word: "lookup", Class: Read},
	{Word: "details", Class: Read},
	{Word: "detail", Class: Read},
	{Word: "view", Class: Read},
	{Word: "read", Class: Read},
	{Word: "export", Class: Read},
	{Word: "download", Class: Read},
	{Word: "report", Class: Read},
	{Word: "show", Class: Read},
	{Word: "retrieve", Class: Read},
	{Word: "describe", Class: Read},
	{Word: "count", Class: Read},
	{Word: "filter", Class: Read},
	{Word: "browse", Class: Read},
	{Word: "preview", Class: Read},
}

// systemNouns name the whole store rather than one object: a create, reset
// or drop verb joined to one of them in a segment or an operationId
// ("createDatabase", "db-reset", "clear_cache") is reset-like.
var systemNouns = map[string]bool{
	"db": true, "database": true, "databases": true, "schema": true, "table": true, "tables": true,
	"index": true, "indexes": true, "indices": true, "data": true, "all": true, "everything": true,
	"store": true, "cache": true, "state": true,
}

// systemVerbs are the verbs that, joined to a system noun, reset the store.
var systemVerbs = map[string]bool{
	"create": true, "init": true, "initialize": true, "drop": true, "reset": true, "seed": true,
	"clear": true, "flush": true, "wipe": true, "rebuild": true, "recreate": true, "setup": true,
	"delete": true, "purge": true, "truncate": true, "reindex": true, "destroy": true,
}

// actionKeys are query parameters that name an operation (?action=delete).
var actionKeys = map[string]bool{
	"action": true, "op": true, "operation": true, "cmd": true, "command": true, "do": true, "task": true,
}

// determiners start the object of a verb in a summary ("Runs the job").
var determiners = map[string]bool{
	"the": true, "a": true, "an": true, "all": true, "every": true, "each": true, "this": true,
	"that": true, "these": true, "those": true, "one": true, "some": true, "any": true, "given": true,
	"specified": true, "selected": true, "current": true, "my": true, "your": true, "its": true,
	"their": true, "existing": true,
}
