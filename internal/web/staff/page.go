package staff

import (
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/web"
)

// Page is what every staff page gets: the page, and who is signed in (nil on the login page).
type Page struct {
	*web.Page
	User          *store.User
	Error, Notice string
}

// IsAdmin says whether the signed-in account is an admin (for the navigation).
func (p *Page) IsAdmin() bool { return p.User != nil && p.User.Role == store.RoleAdmin }

// In says whether the page is in the part of the staff area at path (for aria-current).
func (p *Page) In(path string) bool {
	return p.Path == path || strings.HasPrefix(p.Path, path+"/")
}

// NewPage is a staff page with its title and the path of its part of the area.
func NewPage(site *web.Site, c *gin.Context, u *store.User, titleKey, path string) *Page {
	p := site.NewPage(c.Request, "")
	p.Title = p.T(titleKey)
	p.Path = path
	return &Page{Page: p, User: u}
}

// clientIP is the address the request came from, for throttling only (kept in memory).
// Behind a proxy every client shares the proxy's address; device cookies keep known browsers
// out of that shared allowance.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
