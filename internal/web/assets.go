package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	files "github.com/ketascreen/ketascreen/web"
)

// assets are the static files, served at URLs that carry a hash of their content so they can
// be cached for a year and still change the moment a new version ships.
type assets struct {
	byURL  map[string]asset
	byName map[string]string
}

type asset struct {
	body        *Compressed
	contentType []string
}

var contentTypes = map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
	".svg": "image/svg+xml", ".ico": "image/x-icon", ".png": "image/png"}

func loadAssets() (*assets, error) {
	as := &assets{byURL: map[string]asset{}, byName: map[string]string{}}
	err := fs.WalkDir(files.FS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(files.FS, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		switch ext {
		case ".css":
			body = minifyCSS(body)
		case ".js":
			body = minifyJS(body)
		}
		sum := sha256.Sum256(body)
		u := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ct := contentTypes[ext]
		if ct == "" {
			ct = "application/octet-stream"
		}
		as.byURL[u] = asset{body: NewCompressed(body), contentType: []string{ct}}
		as.byName[name] = u
		return nil
	})
	return as, err
}

var immutable = []string{"public, max-age=31536000, immutable"}

// URL is the content-hashed URL of a static file; a missing name fails template execution.
func (as *assets) URL(name string) (string, error) {
	if u, ok := as.byName[name]; ok {
		return u, nil
	}
	return "", fmt.Errorf("no static file %q", name)
}

// ServeStatic serves a static file at its content-hashed URL (HEAD arrives here as GET).
func (s *Site) ServeStatic(c *gin.Context) {
	a, ok := s.assets.byURL[c.Request.URL.Path]
	if !ok {
		s.RenderError(c.Writer, c.Request, ErrNotFound)
		return
	}
	c.Writer.Header()["Cache-Control"] = immutable
	a.body.Write(c.Writer, c.Request, a.contentType)
}
