package main

import (
	"fmt"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// migration is a running RelocateVM_Task or MigrateVM_Task. vcsim's own tasks end inside the call
// that starts them; a real move takes time, reports progress and can be cancelled, so ours run in
// a goroutine: ten steps over the configured duration, the move itself applied at the end (a
// cancelled move leaves the VM and its files where they were).
type migration struct {
	task    *simulator.Task
	plan    *movePlan
	cancel  chan struct{}
	answers chan string
	once    sync.Once
}

// migrationRecord is what /esxvirt-test/migrations reports about each move started.
type migrationRecord struct {
	Task     string    `json:"task"`
	Method   string    `json:"method"`
	VM       string    `json:"vm"`
	VMName   string    `json:"vmName"`
	FromHost string    `json:"fromHost"`
	ToHost   string    `json:"toHost"`
	FromDS   string    `json:"fromDatastore"`
	ToDS     string    `json:"toDatastore"`
	DRS      bool      `json:"drsChoseHost"`
	Outcome  string    `json:"outcome"` // running, success, error, cancelled
	Error    string    `json:"error,omitempty"`
	Started  time.Time `json:"started"`
	Ended    time.Time `json:"ended,omitempty"`
}

type migrationBook struct {
	mu       sync.Mutex
	byTask   map[string]*migration
	byVM     map[string]*migration
	records  []*migrationRecord
	armed    map[string]armSpec // questions asked half-way through a move, by VM moid
	duration atomic.Int64       // milliseconds per move
}

var migrations = migrationBook{byTask: map[string]*migration{}, byVM: map[string]*migration{}, armed: map[string]armSpec{}}

func (b *migrationBook) running(vm types.ManagedObjectReference) *migration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.byVM[vm.Value]
}

func (b *migrationBook) forTask(task types.ManagedObjectReference) *migration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.byTask[task.Value]
}

func (b *migrationBook) record(m *migration) *migrationRecord {
	p := m.plan
	r := &migrationRecord{
		Task: m.task.Self.Value, Method: p.method, VM: p.vm.Self.Value, VMName: p.vm.Name,
		FromHost: entityName(p.srcHost), ToHost: entityName(p.host), FromDS: entityName(p.srcHomeDS), ToDS: entityName(p.homeDS),
		DRS: p.drsChose, Outcome: "running", Started: time.Now(),
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.records = append(b.records, r)
	return r
}

func (b *migrationBook) finish(m *migration, r *migrationRecord, outcome, msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r.Outcome, r.Error, r.Ended = outcome, msg, time.Now()
	delete(b.byTask, m.task.Self.Value)
	if b.byVM[m.plan.vm.Self.Value] == m {
		delete(b.byVM, m.plan.vm.Self.Value)
	}
}

// takeQuestion uses up one armed mid-move question for vm.
func (b *migrationBook) takeQuestion(vm types.ManagedObjectReference) (armSpec, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	spec, ok := b.armed[vm.Value]
	if !ok {
		return spec, false
	}
	if spec.times > 0 {
		spec.times--
		if spec.times == 0 {
			delete(b.armed, vm.Value)
		} else {
			b.armed[vm.Value] = spec
		}
	}
	return spec, true
}

// RelocateVMTask moves a VM between hosts, pools and datastores (vSphere API: VirtualMachine.RelocateVM_Task).
func (h *vmHelper) RelocateVMTask(ctx *simulator.Context, req *types.RelocateVM_Task) soap.HasFault {
	body := &methods.RelocateVM_TaskBody{}
	vm := lookupVM(h.Self.Value)
	if vm == nil {
		body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "VirtualMachine")})
		return body
	}
	body.Res = &types.RelocateVM_TaskResponse{Returnval: startMove(ctx, vm, "RelocateVM_Task", "relocate", &req.Spec, "")}
	return body
}

// MigrateVMTask moves a VM to another host or pool, only if it is in `state` when given
// (vSphere API: VirtualMachine.MigrateVM_Task). vcsim 0.24.2 lacks it.
func (h *vmHelper) MigrateVMTask(ctx *simulator.Context, req *types.MigrateVM_Task) soap.HasFault {
	body := &methods.MigrateVM_TaskBody{}
	vm := lookupVM(h.Self.Value)
	if vm == nil {
		body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "VirtualMachine")})
		return body
	}
	spec := types.VirtualMachineRelocateSpec{Pool: req.Pool, Host: req.Host}
	body.Res = &types.MigrateVM_TaskResponse{Returnval: startMove(ctx, vm, "MigrateVM_Task", "migrate", &spec, req.State)}
	return body
}

// startMove creates the task, validates the request and either fails the task at once or starts
// the move in the background.
func startMove(ctx *simulator.Context, vm *simulator.VirtualMachine, method, id string, spec *types.VirtualMachineRelocateSpec, state types.VirtualMachinePowerState) types.ManagedObjectReference {
	t := simulator.CreateTask(vm, id, nil)
	nameTask(t, method)
	var m *migration
	var fault types.BaseMethodFault
	var msg string
	ctx.WithLock(vm, func() {
		startTask(t, vm, true)
		addRecentTask(vm, t.Self)
		if other := migrations.running(vm.Self); other != nil {
			fault, msg = &types.TaskInProgress{Task: other.task.Self}, "Another task is already in progress."
			return
		}
		if p := questions.pendingFor(vm.Self); p != nil {
			fault, msg = &types.TaskInProgress{Task: p.task.Self}, "Another task is already in progress."
			return
		}
		if state != "" && vm.Runtime.PowerState != state {
			fault = &types.InvalidPowerState{RequestedState: state, ExistingState: vm.Runtime.PowerState}
			msg = fmt.Sprintf("The attempted operation cannot be performed in the current state (%s).", vm.Runtime.PowerState)
			return
		}
		plan, f, why := planMove(vm, method, spec)
		if f != nil {
			fault, msg = f, why
			return
		}
		if errs := errorsOf(checkPlan(plan)); len(errs) > 0 {
			fault, msg = errs[0].fault, errs[0].message
			return
		}
		m = &migration{task: t, plan: plan, cancel: make(chan struct{}), answers: make(chan string, 1)}
		migrations.mu.Lock()
		migrations.byTask[t.Self.Value] = m
		migrations.byVM[vm.Self.Value] = m
		migrations.mu.Unlock()
	})
	if fault != nil {
		finishTask(t, nil, fault, msg)
		return t.Self
	}
	go m.run(migrations.record(m))
	return t.Self
}

// addRecentTask lists a task in the VM's recentTask, as hosts and vCenter do (the last 10 kept).
func addRecentTask(vm *simulator.VirtualMachine, task types.ManagedObjectReference) {
	recent := append(append([]types.ManagedObjectReference{}, vm.RecentTask...), task)
	if len(recent) > 10 {
		recent = recent[len(recent)-10:]
	}
	simulator.Map.Update(vm, []types.PropertyChange{{Name: "recentTask", Val: recent}})
}

func (m *migration) run(rec *migrationRecord) {
	step := time.Duration(migrations.duration.Load()) * time.Millisecond / 10
	for i := 1; i <= 10; i++ {
		select {
		case <-m.cancel:
			m.cancelled(rec)
			return
		case <-time.After(step):
		}
		if i == 5 {
			if spec, ok := migrations.takeQuestion(m.plan.vm.Self); ok {
				if !m.ask(spec, rec) {
					return
				}
			}
		}
		if i < 10 {
			simulator.Map.WithLock(m.task, func() {
				simulator.Map.Update(m.task, []types.PropertyChange{{Name: "info.progress", Val: int32(i * 10)}})
			})
		}
	}
	var fault types.BaseMethodFault
	var msg string
	simulator.Map.WithLock(m.plan.vm, func() { fault, msg = applyMove(m.plan) })
	if fault != nil {
		finishTask(m.task, nil, fault, msg)
		migrations.finish(m, rec, "error", msg)
		return
	}
	simulator.Map.WithLock(m.task, func() {
		simulator.Map.Update(m.task, []types.PropertyChange{{Name: "info.progress", Val: int32(100)}})
	})
	finishTask(m.task, nil, nil, "")
	migrations.finish(m, rec, "success", "")
}

// ask blocks the move on a question until AnswerVM or CancelTask; false when the move ended.
func (m *migration) ask(spec armSpec, rec *migrationRecord) bool {
	kind := questionKinds[spec.kind]
	vm := m.plan.vm
	info := questionInfo(questions.newQuestionID(), kind)
	p := &pendingQuestion{vm: vm.Self, vmName: vm.Name, task: m.task, info: info, kind: kind, cancelable: true, asked: time.Now(), onAnswer: m.answers}
	simulator.Map.WithLock(vm, func() {
		questions.add(p)
		simulator.Map.Update(vm, []types.PropertyChange{
			{Name: "runtime.question", Val: &info},
			{Name: "summary.runtime.question", Val: &info},
		})
	})
	select {
	case <-m.cancel:
		m.cancelled(rec)
		return false
	case key := <-m.answers:
		for _, c := range kind.choices {
			if c.key == key && c.effect == abort {
				reason := "The migration was canceled by the answer to question " + info.Id + "."
				finishTask(m.task, nil, &types.GenericVmConfigFault{Reason: reason}, reason)
				migrations.finish(m, rec, "error", reason)
				return false
			}
		}
		return true
	}
}

func (m *migration) cancelled(rec *migrationRecord) {
	simulator.Map.WithLock(m.task, func() {
		simulator.Map.Update(m.task, []types.PropertyChange{{Name: "info.cancelled", Val: true}})
	})
	finishTask(m.task, nil, &types.RequestCanceled{}, "The task was canceled by a user.")
	migrations.finish(m, rec, "cancelled", "")
}

// requestCancel is CancelTask on a running move; false when the move already ended.
func (m *migration) requestCancel() bool {
	if migrations.forTask(m.task.Self) != m {
		return false
	}
	m.once.Do(func() {
		if p := questions.pendingForTask(m.task.Self); p != nil {
			simulator.Map.WithLock(m.plan.vm, func() { clearQuestion(m.plan.vm) })
			questions.resolve(p, answerRecord{
				VM: p.vm.Value, VMName: p.vmName, Task: m.task.Self.Value, QuestionID: p.info.Id,
				MessageID: p.kind.messageID, Outcome: "canceled", Time: time.Now(),
			})
		}
		close(m.cancel)
	})
	return true
}

// applyMove makes the move happen: files first (so a failure leaves the inventory unchanged),
// then the VM's host, pool, datastores, file paths and disk backings, and the back references.
func applyMove(p *movePlan) (types.BaseMethodFault, string) {
	vm := p.vm
	if lookupVM(vm.Self.Value) == nil {
		return &types.ManagedObjectNotFound{Obj: vm.Self}, "The virtual machine no longer exists."
	}
	var changes []types.PropertyChange
	if p.storageChanges() {
		newFiles, fault, msg := moveFiles(p)
		if fault != nil {
			return fault, msg
		}
		oldHome, _ := parseDSPath(vm.Config.Files.VmPathName)
		oldPrefix := fmt.Sprintf("[%s] ", oldHome.Datastore)
		newPrefix := fmt.Sprintf("[%s] ", entityName(p.homeDS))
		rehome := func(s string) string {
			if p.homeDS != p.srcHomeDS && strings.HasPrefix(s, oldPrefix) {
				return newPrefix + strings.TrimPrefix(s, oldPrefix)
			}
			return s
		}
		files := vm.Config.Files
		files.VmPathName = rehome(files.VmPathName)
		files.SnapshotDirectory = rehome(files.SnapshotDirectory)
		files.SuspendDirectory = rehome(files.SuspendDirectory)
		files.LogDirectory = rehome(files.LogDirectory)
		devices := object.VirtualDeviceList(vm.Config.Hardware.Device)
		for _, d := range p.disks {
			nf, ok := newFiles[d.key]
			if !ok {
				continue
			}
			disk := devices.FindByKey(d.key).(*types.VirtualDisk)
			fb := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo).GetVirtualDeviceFileBackingInfo()
			to := d.to
			fb.FileName = nf
			fb.Datastore = &to
		}
		used := p.datastores()
		layout := *vm.LayoutEx
		layout.File = append([]types.VirtualMachineFileLayoutExFileInfo{}, layout.File...)
		for i := range layout.File {
			name := rehome(layout.File[i].Name)
			for _, d := range p.disks {
				if nf, ok := newFiles[d.key]; ok && path.Base(name) == path.Base(d.file) {
					name = nf
				}
			}
			layout.File[i].Name = name
		}
		layout.Timestamp = time.Now()
		changes = append(changes,
			types.PropertyChange{Name: "config.files", Val: files},
			types.PropertyChange{Name: "summary.config.vmPathName", Val: files.VmPathName},
			types.PropertyChange{Name: "config.hardware.device", Val: []types.BaseVirtualDevice(devices)},
			types.PropertyChange{Name: "datastore", Val: used},
			types.PropertyChange{Name: "layoutEx", Val: &layout},
		)
		for _, e := range simulator.Map.All("Datastore") {
			ds := e.(*simulator.Datastore)
			if simulator.FindReference(used, ds.Self) != nil {
				simulator.Map.AddReference(ds, &ds.Vm, vm.Self)
			} else {
				simulator.Map.RemoveReference(ds, &ds.Vm, vm.Self)
			}
		}
	}
	if p.host != p.srcHost {
		host := p.host
		changes = append(changes,
			types.PropertyChange{Name: "runtime.host", Val: &host},
			types.PropertyChange{Name: "summary.runtime.host", Val: &host},
		)
		if src := lookupHost(p.srcHost); src != nil {
			simulator.Map.RemoveReference(src, &src.Vm, vm.Self)
		}
		if dst := lookupHost(p.host); dst != nil {
			simulator.Map.AddReference(dst, &dst.Vm, vm.Self)
		}
	}
	if p.pool != p.srcPool {
		pool := p.pool
		changes = append(changes, types.PropertyChange{Name: "resourcePool", Val: &pool})
		if src := lookupPool(p.srcPool); src != nil {
			simulator.Map.RemoveReference(src, &src.Vm, vm.Self)
		}
		if dst := lookupPool(p.pool); dst != nil {
			simulator.Map.AddReference(dst, &dst.Vm, vm.Self)
		}
	}
	if len(changes) > 0 {
		simulator.Map.Update(vm, changes)
	}
	return nil, ""
}
