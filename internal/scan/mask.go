package scan

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/detect"
)

var queryPair = regexp.MustCompile(`([?&])([^=&\s'"#?]+)=([^&\s'"#]*)`)

// maskQuery masks the personal data and secrets that query strings in s
// carry (/lookup?email=alice@… → /lookup?email=a***@…). Each parameter is
// decoded and read with its name as context, so dob=1984-03-12 is masked
// while page=2 stays.
func maskQuery(s string) string {
	return queryPair.ReplaceAllStringFunc(s, func(m string) string {
		sub := queryPair.FindStringSubmatch(m)
		v, err := url.QueryUnescape(sub[3])
		if err != nil {
			v = sub[3]
		}
		pair := sub[2] + "=" + v
		masked := detect.MaskText(pair)
		if masked == pair {
			return m
		}
		if name := sub[2]; !strings.HasPrefix(masked, name+"=") {
			// A rule matched the name itself (an artefact such as
			// __debugger__=yes): parameter names are never secret and a
			// reproduction needs them; the value alone is masked.
			if mv := detect.MaskText(v); mv != v {
				return sub[1] + name + "=" + mv
			}
			return m
		}
		return sub[1] + masked
	})
}
