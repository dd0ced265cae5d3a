package main

import (
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/vmware/govmomi/vim25/types"
)

// datastoreDir is where a datastore keeps its files on the simulator's disk.
func datastoreDir(ref types.ManagedObjectReference) string {
	ds := lookupDatastore(ref)
	if ds == nil {
		return ""
	}
	return ds.Info.GetDatastoreInfo().Url
}

// moveFiles really moves the VM's files for a storage move: the home directory's files (except
// disks that go elsewhere or stay) to the new home datastore, each moving disk (descriptor and
// extents) to its new datastore, beside the VM's home directory name. It returns the new backing
// file of each moved disk. Nothing is moved when a target already exists.
func moveFiles(p *movePlan) (map[int32]string, types.BaseMethodFault, string) {
	home, _ := parseDSPath(p.vm.Config.Files.VmPathName)
	dir := path.Dir(home.Path)
	newFiles := map[int32]string{}
	type fileMove struct{ from, to string }
	var moves []fileMove
	diskFiles := map[string]bool{}
	for _, d := range p.disks {
		dp, ok := parseDSPath(d.file)
		if !ok {
			continue
		}
		src := path.Join(datastoreDir(d.from), dp.Path)
		for _, f := range diskExtents(src) {
			diskFiles[f] = true
		}
		if d.from == d.to {
			continue
		}
		target := path.Join(dir, path.Base(dp.Path))
		for _, f := range diskExtents(src) {
			moves = append(moves, fileMove{f, path.Join(datastoreDir(d.to), dir, path.Base(f))})
		}
		newFiles[d.key] = fmt.Sprintf("[%s] %s", entityName(d.to), target)
	}
	srcHome := path.Join(datastoreDir(p.srcHomeDS), dir)
	if p.homeDS != p.srcHomeDS {
		entries, err := os.ReadDir(srcHome)
		if err != nil {
			return nil, &types.FileNotFound{FileFault: types.FileFault{File: p.vm.Config.Files.VmPathName}}, err.Error()
		}
		for _, e := range entries {
			f := path.Join(srcHome, e.Name())
			if !diskFiles[f] {
				moves = append(moves, fileMove{f, path.Join(datastoreDir(p.homeDS), dir, e.Name())})
			}
		}
	}
	for _, m := range moves {
		if _, err := os.Stat(m.to); err == nil {
			return nil, &types.FileAlreadyExists{FileFault: types.FileFault{File: m.to}}, fmt.Sprintf("File %s already exists.", m.to)
		}
	}
	for _, m := range moves {
		if err := os.MkdirAll(path.Dir(m.to), 0o700); err != nil {
			return nil, &types.FileFault{File: m.to}, err.Error()
		}
		if err := os.Rename(m.from, m.to); err != nil {
			return nil, &types.FileFault{File: m.from}, err.Error()
		}
	}
	// An emptied home directory goes too, as on a real datastore.
	if entries, err := os.ReadDir(srcHome); err == nil && len(entries) == 0 {
		_ = os.Remove(srcHome)
	}
	return newFiles, nil, ""
}

// diskExtents is a disk's descriptor and, when present, its flat extent.
func diskExtents(descriptor string) []string {
	out := []string{}
	if _, err := os.Stat(descriptor); err == nil {
		out = append(out, descriptor)
	}
	flat := strings.TrimSuffix(descriptor, ".vmdk") + "-flat.vmdk"
	if _, err := os.Stat(flat); err == nil {
		out = append(out, flat)
	}
	return out
}
