package main

import (
	"io/ioutil"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// datastoreBrowser searches as the vSphere API reference describes HostDatastoreBrowserSearchSpec,
// where vcsim 0.24.2 differs: without matchPattern every file matches (vcsim matched none); a file
// matches when any query matches it (no query: every file); VmDiskFileInfo carries the details
// asked for (capacityKb, diskType, thin, controllerType, hardwareVersion, diskExtents) read from the
// descriptor; a disk's extents are not listed beside it when a VmDiskFileQuery is part of the spec;
// fileSize of a disk is the space it takes; searchCaseInsensitive and sortFoldersFirst are honoured.
type datastoreBrowser struct {
	simulator.HostDatastoreBrowser
}

func (b *datastoreBrowser) SearchDatastoreTask(ctx *simulator.Context, req *types.SearchDatastore_Task) soap.HasFault {
	task := simulator.CreateTask(b, "searchDatastore", func(t *simulator.Task) (types.AnyType, types.BaseMethodFault) {
		res, fault := b.search(t, req.DatastorePath, req.SearchSpec, false)
		if fault != nil {
			return nil, fault
		}
		return res[0], nil
	})
	return &methods.SearchDatastore_TaskBody{Res: &types.SearchDatastore_TaskResponse{Returnval: task.Run()}}
}

func (b *datastoreBrowser) SearchDatastoreSubFoldersTask(ctx *simulator.Context, req *types.SearchDatastoreSubFolders_Task) soap.HasFault {
	task := simulator.CreateTask(b, "searchDatastoreSubFolders", func(t *simulator.Task) (types.AnyType, types.BaseMethodFault) {
		res, fault := b.search(t, req.DatastorePath, req.SearchSpec, true)
		if fault != nil {
			return nil, fault
		}
		return types.ArrayOfHostDatastoreBrowserSearchResults{HostDatastoreBrowserSearchResults: res}, nil
	})
	return &methods.SearchDatastoreSubFolders_TaskBody{Res: &types.SearchDatastoreSubFolders_TaskResponse{Returnval: task.Run()}}
}

func (b *datastoreBrowser) search(t *simulator.Task, dsPath string, spec *types.HostDatastoreBrowserSearchSpec, recurse bool) ([]types.HostDatastoreBrowserSearchResults, types.BaseMethodFault) {
	var p object.DatastorePath
	if !p.FromString(dsPath) {
		return nil, &types.InvalidDatastorePath{DatastorePath: dsPath}
	}
	e := simulator.Map.FindByName(p.Datastore, b.Datastore)
	ds, ok := e.(*simulator.Datastore)
	if !ok {
		return nil, &types.InvalidDatastore{Name: p.Datastore}
	}
	simulator.Map.WithLock(t, func() {
		t.Info.Entity = &ds.Self
		t.Info.EntityName = ds.Name
	})
	if spec == nil {
		spec = &types.HostDatastoreBrowserSearchSpec{}
	}
	root := ds.Info.GetDatastoreInfo().Url
	rel := strings.Trim(path.Clean("/"+p.Path), "/")
	dir := path.Join(root, rel)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, &types.FileNotFound{FileFault: types.FileFault{File: dsPath}}
	}
	s := searcher{ds: ds, spec: spec}
	var out []types.HostDatastoreBrowserSearchResults
	var walk func(rel, folderPath string)
	walk = func(rel, folderPath string) {
		res, subdirs := s.folder(path.Join(root, rel), folderPath)
		out = append(out, res)
		if recurse {
			for _, d := range subdirs {
				sub := strings.TrimPrefix(rel+"/"+d, "/")
				walk(sub, "["+ds.Name+"] "+sub+"/")
			}
		}
	}
	walk(rel, dsPath)
	return out, nil
}

type searcher struct {
	ds   *simulator.Datastore
	spec *types.HostDatastoreBrowserSearchSpec
}

func (s searcher) diskQuery() *types.VmDiskFileQuery {
	for _, q := range s.spec.Query {
		if d, ok := q.(*types.VmDiskFileQuery); ok {
			return d
		}
	}
	return nil
}

// folder lists one directory: the matching files and the names of its subdirectories.
func (s searcher) folder(dir, folderPath string) (types.HostDatastoreBrowserSearchResults, []string) {
	res := types.HostDatastoreBrowserSearchResults{Datastore: &s.ds.Self, FolderPath: folderPath}
	entries, err := ioutil.ReadDir(dir)
	if err != nil {
		return res, nil
	}
	disks := map[string]vmdkInfo{}
	hidden := map[string]bool{}
	for _, f := range entries {
		if !f.IsDir() && strings.HasSuffix(strings.ToLower(f.Name()), ".vmdk") {
			if info, ok := readVmdk(path.Join(dir, f.Name())); ok {
				disks[f.Name()] = info
				for _, x := range info.extents {
					if x != f.Name() {
						hidden[x] = true
					}
				}
			}
		}
	}
	if s.diskQuery() == nil {
		hidden = map[string]bool{}
	}
	if isTrue(s.spec.SortFoldersFirst) {
		sort.SliceStable(entries, func(i, j int) bool { return entries[i].IsDir() && !entries[j].IsDir() })
	}
	var subdirs []string
	for _, f := range entries {
		name := f.Name()
		if f.IsDir() {
			subdirs = append(subdirs, name)
		}
		if hidden[name] || !s.patternMatch(name) {
			continue
		}
		info, isDisk := disks[name]
		if !s.queryMatch(f, isDisk) {
			continue
		}
		res.File = append(res.File, s.fileInfo(dir, f, info, isDisk))
	}
	return res, subdirs
}

func (s searcher) patternMatch(name string) bool {
	if len(s.spec.MatchPattern) == 0 {
		return true
	}
	fold := isTrue(s.spec.SearchCaseInsensitive)
	for _, m := range s.spec.MatchPattern {
		n := name
		if fold {
			m, n = strings.ToLower(m), strings.ToLower(n)
		}
		if globMatch(m, n) {
			return true
		}
	}
	return false
}

func (s searcher) queryMatch(f os.FileInfo, isDisk bool) bool {
	if len(s.spec.Query) == 0 {
		return true
	}
	ext := strings.ToLower(path.Ext(f.Name()))
	for _, q := range s.spec.Query {
		switch q.(type) {
		case *types.FileQuery:
			return true
		case *types.FolderFileQuery:
			if f.IsDir() {
				return true
			}
		case *types.VmDiskFileQuery:
			if isDisk {
				return true
			}
		case *types.IsoImageFileQuery:
			if ext == ".iso" && !f.IsDir() {
				return true
			}
		case *types.FloppyImageFileQuery:
			if (ext == ".flp" || ext == ".img") && !f.IsDir() {
				return true
			}
		case *types.VmConfigFileQuery:
			if ext == ".vmx" {
				return true
			}
		case *types.VmLogFileQuery:
			if ext == ".log" {
				return true
			}
		case *types.VmNvramFileQuery:
			if ext == ".nvram" {
				return true
			}
		case *types.VmSnapshotFileQuery:
			if ext == ".vmsn" {
				return true
			}
		}
	}
	return false
}

func (s searcher) fileInfo(dir string, f os.FileInfo, disk vmdkInfo, isDisk bool) types.BaseFileInfo {
	d := s.spec.Details
	if d == nil {
		d = &types.FileQueryFlags{}
	}
	info := types.FileInfo{Path: f.Name()}
	if d.FileSize {
		info.FileSize = f.Size()
		if isDisk {
			info.FileSize = diskBytes(path.Join(dir, f.Name()), disk)
		}
	}
	if d.Modification {
		m := f.ModTime()
		info.Modification = &m
	}
	if isTrue(d.FileOwner) {
		info.Owner = os.Getenv("USER")
	}
	if f.IsDir() {
		return &types.FolderFileInfo{FileInfo: info}
	}
	if isDisk {
		return s.diskInfo(path.Join(dir, f.Name()), info, disk)
	}
	if !d.FileType {
		return &info
	}
	switch strings.ToLower(path.Ext(f.Name())) {
	case ".iso":
		return &types.IsoImageFileInfo{FileInfo: info}
	case ".flp", ".img":
		return &types.FloppyImageFileInfo{FileInfo: info}
	case ".vmx":
		return &types.VmConfigFileInfo{FileInfo: info}
	case ".log":
		return &types.VmLogFileInfo{FileInfo: info}
	case ".nvram":
		return &types.VmNvramFileInfo{FileInfo: info}
	case ".vmsn":
		return &types.VmSnapshotFileInfo{FileInfo: info}
	}
	return &info
}

func (s searcher) diskInfo(file string, info types.FileInfo, disk vmdkInfo) types.BaseFileInfo {
	out := &types.VmDiskFileInfo{FileInfo: info}
	q := s.diskQuery()
	if q == nil || q.Details == nil {
		return out
	}
	fl := q.Details
	if fl.CapacityKb {
		out.CapacityKb = disk.sectors / 2
	}
	if fl.DiskType {
		out.DiskType = "VirtualDiskFlatVer2BackingInfo"
		if disk.sparse {
			out.DiskType = "VirtualDiskSparseVer2BackingInfo"
		}
	}
	if fl.HardwareVersion {
		hw, _ := strconv.Atoi(disk.ddb["virtualHWVersion"])
		out.HardwareVersion = int32(hw)
	}
	if isTrue(fl.ControllerType) {
		out.ControllerType = controllerOf[strings.ToLower(disk.ddb["adapterType"])]
	}
	if isTrue(fl.DiskExtents) {
		for _, x := range disk.extentPaths(file) {
			out.DiskExtents = append(out.DiskExtents, datastorePathOf(s.ds, x))
		}
		if len(disk.extents) == 0 {
			out.DiskExtents = []string{datastorePathOf(s.ds, file)}
		}
	}
	if isTrue(fl.Thin) {
		thin := kindOf(file, disk) == kindThin
		out.Thin = &thin
	}
	return out
}

// diskBytes is the space a disk takes: the descriptor and the allocated blocks of its extents.
func diskBytes(file string, disk vmdkInfo) int64 {
	total := allocated(file)
	if st, err := os.Stat(file); err == nil && !disk.sparse {
		total = st.Size()
	}
	for _, x := range disk.extentPaths(file) {
		total += allocated(x)
	}
	return total
}

func allocated(file string) int64 {
	var st syscall.Stat_t
	if syscall.Stat(file, &st) != nil {
		return 0
	}
	return st.Blocks * 512
}

// globMatch matches the wildcards of matchPattern, '*' (any run) and '?' (one character); every
// other character, '[' and ']' included, stands for itself.
func globMatch(pattern, name string) bool {
	p, n := []rune(pattern), []rune(name)
	var match func(i, j int) bool
	match = func(i, j int) bool {
		for i < len(p) {
			switch p[i] {
			case '*':
				for k := j; k <= len(n); k++ {
					if match(i+1, k) {
						return true
					}
				}
				return false
			case '?':
				if j >= len(n) {
					return false
				}
			default:
				if j >= len(n) || n[j] != p[i] {
					return false
				}
			}
			i++
			j++
		}
		return j == len(n)
	}
	return match(0, 0)
}

func isTrue(b *bool) bool {
	return b != nil && *b
}
