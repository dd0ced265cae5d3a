package main

import (
	"fmt"
	"net/http"
	"time"

	"github.com/vmware/govmomi/simulator"
)

// findVM accepts a moid (vm-42) or an inventory name (DC0_H0_VM0).
func findVM(key string) *simulator.VirtualMachine {
	if vm := lookupVM(key); vm != nil {
		return vm
	}
	for _, e := range simulator.Map.All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok && vm.Name == key {
			return vm
		}
	}
	return nil
}

// controlArmQuestion makes the next power-ons of a VM block on a question:
// ?vm=<moid|name>&kind=uuid|serial|none&cancelable=1&times=N (times -1: every power-on).
func controlArmQuestion(r *http.Request) (interface{}, error) {
	q := r.URL.Query()
	vm := findVM(q.Get("vm"))
	if vm == nil {
		return nil, fmt.Errorf("no VM with moid or name %q", q.Get("vm"))
	}
	kind := q.Get("kind")
	if kind == "" {
		kind = "uuid"
	}
	if _, ok := questionKinds[kind]; !ok && kind != "none" {
		return nil, fmt.Errorf("unknown question kind %q (want uuid, serial or none)", kind)
	}
	times, err := intParam(r, "times", 1)
	if err != nil {
		return nil, err
	}
	if times == 0 || times < -1 {
		return nil, fmt.Errorf("want times >= 1 or -1")
	}
	questions.arm(vm.Self.Value, armSpec{kind: kind, cancelable: boolParam(r, "cancelable"), times: times})
	return map[string]interface{}{"ok": true, "vm": vm.Self.Value, "vmName": vm.Name, "kind": kind}, nil
}

type pendingJSON struct {
	VM         string    `json:"vm"`
	VMName     string    `json:"vmName"`
	Task       string    `json:"task"`
	QuestionID string    `json:"questionId"`
	MessageID  string    `json:"messageId"`
	Cancelable bool      `json:"cancelable"`
	Asked      time.Time `json:"asked"`
}

// controlQuestions lists pending questions and how answered ones ended (answer or cancel).
func controlQuestions(*http.Request) (interface{}, error) {
	questions.mu.Lock()
	defer questions.mu.Unlock()
	pending := []pendingJSON{}
	for _, p := range questions.pending {
		pending = append(pending, pendingJSON{p.vm.Value, p.vmName, p.task.Self.Value, p.info.Id, p.kind.messageID, p.cancelable, p.asked})
	}
	answered := append([]answerRecord{}, questions.answered...)
	return map[string]interface{}{"pending": pending, "answered": answered}, nil
}
