package staff

import (
	"math"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/web"
)

// Page is what every staff page gets: the page, and who is signed in (nil on the sign-in pages).
type Page struct {
	*web.Page
	User          *staffdb.User
	Error, Notice string
}

// IsAdmin says whether the signed-in account is an admin (for the navigation).
func (p *Page) IsAdmin() bool { return p.User != nil && p.User.Role == staffdb.RoleAdmin }

// In says whether the page is in the part of the staff area at path (for aria-current).
func (p *Page) In(path string) bool {
	return p.Path == path || strings.HasPrefix(p.Path, path+"/")
}

// NewPage is a staff page with its title and the path of its part of the area.
func NewPage(site *web.Site, c *gin.Context, u *staffdb.User, titleKey, path string) *Page {
	p := site.NewPage(c.Request, "")
	p.Title = p.T(titleKey)
	p.Path = path
	return &Page{Page: p, User: u}
}

// Refuse shows a try the service refused on the page: the words for its outcome, which are
// the message prefix + the outcome's name (the same for every email, so they say nothing
// about which have accounts), and Retry-After when it is over a limit. It returns the status
// to answer with.
func Refuse(c *gin.Context, p *Page, prefix string, r access.Result) int {
	key := prefix + r.Outcome.String()
	switch r.Outcome {
	case access.Throttled:
		web.RetryAfter(c, int(math.Ceil(r.RetryAfter.Seconds())))
		p.Error = p.T(key, max(1, int(math.Ceil(r.RetryAfter.Minutes()))))
	case access.Busy:
		web.RetryAfter(c, int(math.Ceil(r.RetryAfter.Seconds())))
		p.Error = p.T(key)
	default:
		p.Error = p.T(key)
	}
	return r.Outcome.Status()
}
