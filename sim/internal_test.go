package sim

import (
	"errors"
	"testing"
)

func TestPanicInARunIsAnInternalError(t *testing.T) {
	err := func() (err error) {
		defer recoverInternal(&err)
		var s []int
		_ = s[3] // a bug
		return nil
	}()
	if !errors.Is(err, ErrInternal) {
		t.Errorf("panic became %v, want ErrInternal", err)
	}
}
