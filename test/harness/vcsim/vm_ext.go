package main

import (
	"time"

	"github.com/google/uuid"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func faultBody(msg string, f types.BaseMethodFault) *soap.Fault { return simulator.Fault(msg, f) }

// PowerOnVMTask is reached only for VMs that ask a question (see route): the task stays running
// with runtime.question set until AnswerVM or CancelTask; anything else goes to vcsim's own.
func (h *vmHelper) PowerOnVMTask(ctx *simulator.Context, req *types.PowerOnVM_Task) soap.HasFault {
	vm := lookupVM(h.Self.Value)
	if vm == nil {
		return &methods.PowerOnVM_TaskBody{Fault_: faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "VirtualMachine")})}
	}
	req.This = vm.Self
	var res soap.HasFault
	ctx.WithLock(vm, func() {
		if p := questions.pendingFor(vm.Self); p != nil {
			// Tasks on one VM run one at a time; a second power-on cannot start behind the question.
			t := simulator.CreateTask(vm, "powerOn", nil)
			startTask(t, vm, false)
			finishTask(t, nil, &types.TaskInProgress{Task: p.task.Self}, "Another task is already in progress.")
			res = &methods.PowerOnVM_TaskBody{Res: &types.PowerOnVM_TaskResponse{Returnval: t.Self}}
			return
		}
		if vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn || vm.Config.Template {
			res = vm.PowerOnVMTask(ctx, req)
			return
		}
		spec, ok := questions.consumeTrigger(vm)
		kind := questionKinds[spec.kind]
		if !ok || kind == nil {
			res = vm.PowerOnVMTask(ctx, req)
			return
		}
		res = askQuestion(vm, req, spec, kind)
	})
	return res
}

func askQuestion(vm *simulator.VirtualMachine, req *types.PowerOnVM_Task, spec armSpec, kind *questionKind) soap.HasFault {
	t := simulator.CreateTask(vm, "powerOn", nil)
	startTask(t, vm, spec.cancelable)
	info := questionInfo(questions.newQuestionID(), kind)
	questions.add(&pendingQuestion{
		vm: vm.Self, vmName: vm.Name, task: t, info: info, kind: kind,
		cancelable: spec.cancelable, req: *req, asked: time.Now(),
	})
	recent := append(append([]types.ManagedObjectReference{}, vm.RecentTask...), t.Self)
	simulator.Map.Update(vm, []types.PropertyChange{
		{Name: "runtime.question", Val: &info},
		{Name: "summary.runtime.question", Val: &info},
		{Name: "recentTask", Val: recent},
	})
	return &methods.PowerOnVM_TaskBody{Res: &types.PowerOnVM_TaskResponse{Returnval: t.Self}}
}

// AnswerVM resolves the pending question; the blocked power-on then completes or fails at once.
func (h *vmHelper) AnswerVM(ctx *simulator.Context, req *types.AnswerVM) soap.HasFault {
	body := &methods.AnswerVMBody{}
	vm := lookupVM(h.Self.Value)
	if vm == nil {
		body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "VirtualMachine")})
		return body
	}
	ctx.WithLock(vm, func() {
		p := questions.pendingFor(vm.Self)
		if p == nil || p.info.Id != req.QuestionId {
			body.Fault_ = faultBody("no pending question with id "+req.QuestionId, &types.InvalidArgument{InvalidProperty: "questionId"})
			return
		}
		idx := -1
		for i, c := range p.kind.choices {
			if c.key == req.AnswerChoice {
				idx = i
			}
		}
		if idx < 0 {
			body.Fault_ = faultBody("invalid answer choice "+req.AnswerChoice, &types.InvalidArgument{InvalidProperty: "answerChoice"})
			return
		}
		c := p.kind.choices[idx]
		clearQuestion(vm)
		rec := answerRecord{
			VM: vm.Self.Value, VMName: vm.Name, Task: p.task.Self.Value, QuestionID: p.info.Id,
			MessageID: p.kind.messageID, Choice: c.key, Label: c.label, Default: idx == p.kind.defaultIndex,
			Time: time.Now(),
		}
		if p.onAnswer != nil {
			// a move waits for this answer (migrate_run.go): it goes on or fails by itself
			rec.Outcome = "migrating"
			if c.effect == abort {
				rec.Outcome = "aborted"
			}
			questions.resolve(p, rec)
			p.onAnswer <- c.key
			body.Res = &types.AnswerVMResponse{}
			return
		}
		switch c.effect {
		case abort:
			rec.Outcome = "aborted"
			reason := "The power-on was canceled by the answer to question " + p.info.Id + "."
			finishTask(p.task, nil, &types.GenericVmConfigFault{Reason: reason}, reason)
		case proceed, proceedNewUUID:
			if c.effect == proceedNewUUID {
				id := uuid.New().String()
				simulator.Map.Update(vm, []types.PropertyChange{
					{Name: "config.uuid", Val: id},
					{Name: "summary.config.uuid", Val: id},
				})
			}
			rec.Outcome = "poweredOn"
			if f := powerOnNow(ctx, vm, &p.req); f != nil {
				rec.Outcome = "failed"
				finishTask(p.task, nil, f, "")
			} else {
				finishTask(p.task, nil, nil, "")
			}
		}
		questions.resolve(p, rec)
		body.Res = &types.AnswerVMResponse{}
	})
	return body
}

// powerOnNow runs vcsim's own power-on (state, events, guest customization) for a blocked task.
func powerOnNow(ctx *simulator.Context, vm *simulator.VirtualMachine, req *types.PowerOnVM_Task) types.BaseMethodFault {
	res, ok := vm.PowerOnVMTask(ctx, req).(*methods.PowerOnVM_TaskBody)
	if !ok || res.Fault_ != nil || res.Res == nil {
		return &types.InvalidState{}
	}
	if inner := lookupTask(res.Res.Returnval.Value); inner != nil && inner.Info.Error != nil {
		return inner.Info.Error.Fault
	}
	return nil
}

func clearQuestion(vm *simulator.VirtualMachine) {
	simulator.Map.Update(vm, []types.PropertyChange{
		{Name: "runtime.question", Val: nil},
		{Name: "summary.runtime.question", Val: nil},
	})
}

// guestOperationFault is what a host answers a guest operation (ShutdownGuest, RebootGuest) with when it cannot
// run: InvalidPowerState unless the VM is powered on, then ToolsUnavailable unless VMware Tools run in the guest
// (vSphere API reference: both methods throw ToolsUnavailable "if VMware Tools is not running"). vcsim 0.24.2
// checks only the power state (and ShutdownGuest not even that for suspended VMs).
func guestOperationFault(vm *simulator.VirtualMachine) types.BaseMethodFault {
	if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
		return &types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOn, ExistingState: vm.Runtime.PowerState}
	}
	if vm.Guest == nil || vm.Guest.ToolsRunningStatus != string(types.VirtualMachineToolsRunningStatusGuestToolsRunning) {
		return &types.ToolsUnavailable{}
	}
	return nil
}

// RebootGuest restarts a powered-on guest whose tools run.
func (h *vmHelper) RebootGuest(ctx *simulator.Context, req *types.RebootGuest) soap.HasFault {
	body := &methods.RebootGuestBody{}
	vm := lookupVM(h.Self.Value)
	if vm == nil {
		body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "VirtualMachine")})
		return body
	}
	ctx.WithLock(vm, func() {
		if f := guestOperationFault(vm); f != nil {
			body.Fault_ = faultBody("", f)
			return
		}
		now := time.Now()
		simulator.Map.Update(vm, []types.PropertyChange{
			{Name: "runtime.bootTime", Val: now},
			{Name: "summary.runtime.bootTime", Val: now},
		})
		postEvent(ctx, &types.VmGuestRebootEvent{VmEvent: vmEvent(vm)})
		body.Res = &types.RebootGuestResponse{}
	})
	return body
}

// ShutdownGuest powers off a powered-on guest whose tools run (the guest's own shutdown, done at once here).
func (h *vmHelper) ShutdownGuest(ctx *simulator.Context, req *types.ShutdownGuest) soap.HasFault {
	body := &methods.ShutdownGuestBody{}
	vm := lookupVM(h.Self.Value)
	if vm == nil {
		body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "VirtualMachine")})
		return body
	}
	ctx.WithLock(vm, func() {
		if f := guestOperationFault(vm); f != nil {
			body.Fault_ = faultBody("", f)
			return
		}
		simulator.Map.Update(vm, []types.PropertyChange{
			{Name: "runtime.powerState", Val: types.VirtualMachinePowerStatePoweredOff},
			{Name: "summary.runtime.powerState", Val: types.VirtualMachinePowerStatePoweredOff},
		})
		postEvent(ctx, &types.VmGuestShutdownEvent{VmEvent: vmEvent(vm)})
		body.Res = &types.ShutdownGuestResponse{}
	})
	return body
}

func postEvent(ctx *simulator.Context, ev types.BaseEvent) {
	em := simulator.Map.EventManager()
	ctx.WithLock(em, func() { em.PostEvent(ctx, &types.PostEvent{This: em.Self, EventToPost: ev}) })
}

// vmEvent fills the arguments event collectors filter on: the VM, its host and its datacenter.
func vmEvent(vm *simulator.VirtualMachine) types.VmEvent {
	ev := types.VmEvent{}
	ev.Vm = &types.VmEventArgument{EntityEventArgument: types.EntityEventArgument{Name: vm.Name}, Vm: vm.Self}
	if vm.Runtime.Host != nil {
		if host, ok := simulator.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem); ok {
			ev.Host = &types.HostEventArgument{EntityEventArgument: types.EntityEventArgument{Name: host.Name}, Host: host.Self}
		}
	}
	for parent := vm.Parent; parent != nil; {
		obj := simulator.Map.Get(*parent)
		if dc, ok := obj.(*simulator.Datacenter); ok {
			ev.Datacenter = &types.DatacenterEventArgument{EntityEventArgument: types.EntityEventArgument{Name: dc.Name}, Datacenter: dc.Self}
			break
		}
		e, ok := obj.(mo.Entity)
		if !ok {
			break
		}
		parent = e.Entity().Parent
	}
	return ev
}
