package main

import (
	"io"
	"os"
	"syscall"

	"github.com/google/uuid"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// copyFile copies src to a new dst: zero blocks become holes for thin disks; thick copies are
// allocated first.
func copyFile(src, dst string, kind diskKind) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	if err := out.Truncate(st.Size()); err != nil {
		return err
	}
	if kind != kindThin && st.Size() > 0 {
		if err := syscall.Fallocate(int(out.Fd()), 0, 0, st.Size()); err != nil {
			return err
		}
	}
	buf := make([]byte, 1<<20)
	var at int64
	for {
		n, err := in.Read(buf)
		if n > 0 {
			if !allZero(buf[:n]) {
				if _, werr := out.WriteAt(buf[:n], at); werr != nil {
					return werr
				}
			}
			at += int64(n)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// QueryVirtualDiskUuid answers the descriptor's ddb.uuid as ESX formats it ("60 00 C2 …"); a disk
// without one gets vcsim's UUID derived from the path.
func (m *diskManager) QueryVirtualDiskUuid(ctx *simulator.Context, req *types.QueryVirtualDiskUuid) soap.HasFault {
	body := &methods.QueryVirtualDiskUuidBody{}
	file, _, fault := resolveFile(req.Datacenter, req.Name)
	if fault != nil {
		body.Fault_ = simulator.Fault("", fault)
		return body
	}
	if !fileExists(file) {
		body.Fault_ = simulator.Fault("File "+req.Name+" was not found", &types.FileNotFound{FileFault: types.FileFault{File: req.Name}})
		return body
	}
	id := uuid.NewSHA1(uuid.NameSpaceOID, []byte(file)).String()
	if info, ok := readVmdk(file); ok && info.ddb["uuid"] != "" {
		id = info.ddb["uuid"]
	}
	body.Res = &types.QueryVirtualDiskUuidResponse{Returnval: id}
	return body
}
