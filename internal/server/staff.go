package server

import (
	"github.com/gin-gonic/gin"
)

// mountStaff mounts the signed-in areas: clinician (share codes, summaries, FHIR) and admin
// (audit log, statistics). Each area adds its own pages with s.AddPages.
func (s *Server) mountStaff(e *gin.Engine) error {
	if err := s.mountClinician(e); err != nil {
		return err
	}
	return s.mountAdmin(e)
}
