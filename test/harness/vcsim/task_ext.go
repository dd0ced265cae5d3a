package main

import (
	"fmt"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// startTask moves a task we drive ourselves to running; vcsim's own tasks run to completion
// inside the call that creates them, so they are never running when a client looks.
func startTask(t *simulator.Task, vm *simulator.VirtualMachine, cancelable bool) {
	simulator.Map.WithLock(t, func() {
		simulator.Map.Update(t, []types.PropertyChange{
			{Name: "info.entityName", Val: vm.Name},
			{Name: "info.startTime", Val: time.Now()},
			{Name: "info.state", Val: types.TaskInfoStateRunning},
			{Name: "info.cancelable", Val: cancelable},
		})
	})
}

// nameTask gives a task the method name a real server reports in info.name (vcsim derives
// "Relocate" from the descriptionId).
func nameTask(t *simulator.Task, method string) {
	simulator.Map.WithLock(t, func() {
		simulator.Map.Update(t, []types.PropertyChange{{Name: "info.name", Val: method}})
	})
}

// finishTask completes a task the way vcsim's Task.Run does, with msg as the fault's
// localizedMessage (vcsim puts the Go type name there).
func finishTask(t *simulator.Task, result types.AnyType, fault types.BaseMethodFault, msg string) {
	state := types.TaskInfoStateSuccess
	var lf interface{}
	if fault != nil {
		state = types.TaskInfoStateError
		if msg == "" {
			msg = fmt.Sprintf("%T", fault)
		}
		lf = types.LocalizedMethodFault{Fault: fault, LocalizedMessage: msg}
	}
	simulator.Map.WithLock(t, func() {
		simulator.Map.Update(t, []types.PropertyChange{
			{Name: "info.completeTime", Val: time.Now()},
			{Name: "info.state", Val: state},
			{Name: "info.result", Val: result},
			{Name: "info.error", Val: lf},
		})
	})
}

// CancelTask cancels a question-blocked power-on when it was made cancelable. Like a real server
// it refuses with NotSupported for tasks that are not cancelable (a real power-on is not) and with
// InvalidState for tasks already finished.
func (h *taskHelper) CancelTask(ctx *simulator.Context, req *types.CancelTask) soap.HasFault {
	body := &methods.CancelTaskBody{}
	t := lookupTask(h.Self.Value)
	if t == nil {
		body.Fault_ = faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "Task")})
		return body
	}
	if m := migrations.forTask(t.Self); m != nil && m.requestCancel() {
		body.Res = &types.CancelTaskResponse{}
		return body
	}
	p := questions.pendingForTask(t.Self)
	if p == nil {
		switch t.Info.State {
		case types.TaskInfoStateSuccess, types.TaskInfoStateError:
			body.Fault_ = faultBody("the task has already completed", &types.InvalidState{})
		default:
			body.Fault_ = faultBody("the task is not cancelable", &types.NotSupported{})
		}
		return body
	}
	if !p.cancelable {
		body.Fault_ = faultBody("the task is not cancelable", &types.NotSupported{})
		return body
	}
	vm := lookupVM(p.vm.Value)
	cancel := func() {
		if questions.pendingForTask(t.Self) != p {
			body.Fault_ = faultBody("the task has already completed", &types.InvalidState{})
			return
		}
		if vm != nil {
			clearQuestion(vm)
		}
		simulator.Map.WithLock(t, func() {
			simulator.Map.Update(t, []types.PropertyChange{{Name: "info.cancelled", Val: true}})
		})
		finishTask(t, nil, &types.RequestCanceled{}, "The task was canceled by a user.")
		questions.resolve(p, answerRecord{
			VM: p.vm.Value, VMName: p.vmName, Task: t.Self.Value, QuestionID: p.info.Id,
			MessageID: p.kind.messageID, Outcome: "canceled", Time: time.Now(),
		})
		body.Res = &types.CancelTaskResponse{}
	}
	if vm != nil {
		ctx.WithLock(vm, cancel)
	} else {
		cancel()
	}
	return body
}
