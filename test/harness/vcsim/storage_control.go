package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func init() {
	controlRoutes["transfer-fault"] = controlTransferFault
	controlRoutes["transfer-rate"] = controlTransferRate
	controlRoutes["transfers"] = controlTransfers
	controlRoutes["license"] = controlLicense
	controlRoutes["disk"] = controlDisk
	controlRoutes["lose-answer"] = controlLoseAnswer
}

// lostAnswers arms calls of a method to be executed with their answer lost (the connection closed
// before it is sent), as when a network fails at the worst moment.
type lostAnswers struct {
	mu      sync.Mutex
	pending map[string]int
}

var answers = lostAnswers{pending: map[string]int{}}

func (a *lostAnswers) lose(method string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pending[method] > 0 {
		a.pending[method]--
		return true
	}
	return false
}

// controlLoseAnswer arms the next n calls of `method` to run and then lose their answer.
func controlLoseAnswer(r *http.Request) (interface{}, error) {
	method := r.URL.Query().Get("method")
	n, err := intParam(r, "n", 1)
	if err != nil {
		return nil, err
	}
	if method == "" || n < 0 {
		return nil, fmt.Errorf("want method and n >= 0")
	}
	answers.mu.Lock()
	answers.pending[method] += n
	answers.mu.Unlock()
	return map[string]interface{}{"ok": true}, nil
}

// controlTransferFault arms the next n /folder transfers whose body reaches `after` bytes to be cut
// there; expire=1 also terminates every session at that moment.
func controlTransferFault(r *http.Request) (interface{}, error) {
	after, err := intParam(r, "after", 0)
	if err != nil {
		return nil, err
	}
	n, err := intParam(r, "n", 1)
	if err != nil {
		return nil, err
	}
	if after < 0 || n < 0 {
		return nil, fmt.Errorf("want after >= 0 and n >= 0")
	}
	f := transferFault{after: int64(after), expire: boolParam(r, "expire")}
	folder.mu.Lock()
	for i := 0; i < n; i++ {
		folder.faults = append(folder.faults, f)
	}
	pending := len(folder.faults)
	folder.mu.Unlock()
	return map[string]interface{}{"ok": true, "pending": pending}, nil
}

// controlTransferRate throttles /folder bodies to bytesPerSecond (0: unlimited).
func controlTransferRate(r *http.Request) (interface{}, error) {
	rate, err := intParam(r, "bytesPerSecond", 0)
	if err != nil {
		return nil, err
	}
	if rate < 0 {
		return nil, fmt.Errorf("want bytesPerSecond >= 0")
	}
	folder.mu.Lock()
	folder.rate = int64(rate)
	folder.mu.Unlock()
	return map[string]interface{}{"ok": true}, nil
}

// controlTransfers counts /folder requests: GETs (and those with a Range), PUTs, refusals, cuts.
func controlTransfers(*http.Request) (interface{}, error) {
	return map[string]interface{}{
		"gets":   folder.gets.Load(),
		"ranges": folder.ranges.Load(),
		"puts":   folder.puts.Load(),
		"denied": folder.denied.Load(),
		"cuts":   folder.cuts.Load(),
	}, nil
}

// controlLicense with restricted=1 makes the host behave as ESXi under the free licence: write
// calls fault with RestrictedVersion.
func controlLicense(r *http.Request) (interface{}, error) {
	storage.mu.Lock()
	storage.restricted = boolParam(r, "restricted")
	storage.mu.Unlock()
	return map[string]interface{}{"ok": true, "restricted": storage.isRestricted()}, nil
}

// controlDisk describes a disk as the host keeps it: type, capacity, allocated bytes, adapter.
func controlDisk(r *http.Request) (interface{}, error) {
	name := r.URL.Query().Get("path")
	var dc *types.ManagedObjectReference
	if d := simulator.Map.Any("Datacenter"); d != nil {
		ref := d.Reference()
		dc = &ref
	}
	file, _, fault := resolveFile(dc, name)
	if fault != nil {
		return nil, fmt.Errorf("cannot resolve %q", name)
	}
	info, ok := readVmdk(file)
	if !ok {
		return map[string]interface{}{"exists": fileExists(file)}, nil
	}
	var allocatedBytes int64
	for _, x := range info.extentPaths(file) {
		allocatedBytes += allocated(x)
	}
	return map[string]interface{}{
		"exists":      true,
		"kind":        kindOf(file, info),
		"capacity":    info.sectors * 512,
		"allocated":   allocatedBytes,
		"adapterType": info.ddb["adapterType"],
		"createType":  info.createType,
		"extents":     info.extents,
	}, nil
}

func resetStorage() {
	folder.reset()
	answers.mu.Lock()
	answers.pending = map[string]int{}
	answers.mu.Unlock()
	storage.mu.Lock()
	storage.restricted = false
	storage.mu.Unlock()
}

// fileManagerHelper receives the FileManager calls whose behaviour differs from vcsim's: writes fault
// under a restricted licence, and deleting a disk a powered-on VM uses faults with FileLocked.
// vcsim type-asserts its own FileManager, so the real object stays and route() redirects here.
type fileManagerHelper struct{ objHelper }

const fileManagerHelperType = "EsxvirtFileManager"

func routeFileManager(c soapCall) (string, bool) {
	switch c.method {
	case "DeleteDatastoreFile_Task", "MakeDirectory", "MoveDatastoreFile_Task", "CopyDatastoreFile_Task":
	default:
		return "", false
	}
	ensureHelper(&fileManagerHelper{helperOf(fileManagerHelperType, c.thisValue)})
	return fileManagerHelperType, true
}

func (h *fileManagerHelper) fm() *simulator.FileManager { return simulator.Map.FileManager() }

func (h *fileManagerHelper) DeleteDatastoreFileTask(ctx *simulator.Context, req *types.DeleteDatastoreFile_Task) soap.HasFault {
	if storage.isRestricted() {
		return &methods.DeleteDatastoreFile_TaskBody{Fault_: simulator.Fault(restrictedMsg, restrictedVersion())}
	}
	if file, _, f := resolveFile(req.Datacenter, req.Name); f == nil && lockedFile(file) {
		t := simulator.CreateTask(h.fm(), "deleteDatastoreFile", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
			return nil, fileLocked(req.Name)
		})
		return &methods.DeleteDatastoreFile_TaskBody{Res: &types.DeleteDatastoreFile_TaskResponse{Returnval: t.Run()}}
	}
	req.This = h.fm().Self
	return h.fm().DeleteDatastoreFileTask(req)
}

// lockedFile: the file is (or holds, for a folder) a disk or an extent of a powered-on VM's disk.
func lockedFile(file string) bool {
	if lockingVM(file) != "" {
		return true
	}
	if strings.HasSuffix(file, "-flat.vmdk") {
		return lockingVM(strings.TrimSuffix(file, "-flat.vmdk")+".vmdk") != ""
	}
	if st, err := os.Stat(file); err == nil && st.IsDir() {
		entries, _ := os.ReadDir(file)
		for _, e := range entries {
			if !e.IsDir() && lockedFile(file+"/"+e.Name()) {
				return true
			}
		}
	}
	return false
}

func (h *fileManagerHelper) MakeDirectory(ctx *simulator.Context, req *types.MakeDirectory) soap.HasFault {
	if storage.isRestricted() {
		return &methods.MakeDirectoryBody{Fault_: simulator.Fault(restrictedMsg, restrictedVersion())}
	}
	req.This = h.fm().Self
	return h.fm().MakeDirectory(req)
}

func (h *fileManagerHelper) MoveDatastoreFileTask(ctx *simulator.Context, req *types.MoveDatastoreFile_Task) soap.HasFault {
	if storage.isRestricted() {
		return &methods.MoveDatastoreFile_TaskBody{Fault_: simulator.Fault(restrictedMsg, restrictedVersion())}
	}
	req.This = h.fm().Self
	return h.fm().MoveDatastoreFileTask(req)
}

func (h *fileManagerHelper) CopyDatastoreFileTask(ctx *simulator.Context, req *types.CopyDatastoreFile_Task) soap.HasFault {
	if storage.isRestricted() {
		return &methods.CopyDatastoreFile_TaskBody{Fault_: simulator.Fault(restrictedMsg, restrictedVersion())}
	}
	req.This = h.fm().Self
	return h.fm().CopyDatastoreFileTask(req)
}

// datastoreHelper answers RefreshDatastore, which vcsim 0.24.2 answers with an empty SOAP body (its response
// object is left unset): the datastore's free space is reread and RefreshDatastoreResponse returned.
type datastoreHelper struct{ objHelper }

const datastoreHelperType = "EsxvirtDatastore"

func routeDatastore(c soapCall) (string, bool) {
	if c.method != "RefreshDatastore" {
		return "", false
	}
	if _, ok := simulator.Map.Get(types.ManagedObjectReference{Type: "Datastore", Value: c.thisValue}).(*simulator.Datastore); !ok {
		return "", false
	}
	ensureHelper(&datastoreHelper{helperOf(datastoreHelperType, c.thisValue)})
	return datastoreHelperType, true
}

func (h *datastoreHelper) RefreshDatastore(ctx *simulator.Context, req *types.RefreshDatastore) soap.HasFault {
	ds, ok := simulator.Map.Get(types.ManagedObjectReference{Type: "Datastore", Value: h.Self.Value}).(*simulator.Datastore)
	if !ok {
		return &methods.RefreshDatastoreBody{Fault_: simulator.Fault("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "Datastore")})}
	}
	var res soap.HasFault
	simulator.Map.WithLock(ds, func() { res = ds.RefreshDatastore(req) })
	if res.Fault() != nil {
		return res
	}
	return &methods.RefreshDatastoreBody{Res: &types.RefreshDatastoreResponse{}}
}
