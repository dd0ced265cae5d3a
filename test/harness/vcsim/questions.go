package main

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// outcome is what answering with a choice does to the blocked power-on.
type outcome int

const (
	proceed        outcome = iota // power on
	proceedNewUUID                // power on with a new BIOS uuid ("I copied it")
	abort                         // fail the power-on task
)

type choice struct {
	key, label string
	effect     outcome
}

// questionKind is one question ESX asks on power-on, modelled on the ones hosts really ask.
type questionKind struct {
	messageID    string
	text         string
	choices      []choice
	defaultIndex int
}

var questionKinds = map[string]*questionKind{
	// Asked when the .vmx path or host changed since the uuid was generated.
	"uuid": {
		messageID: "msg.uuid.altered",
		text: "This virtual machine might have been moved or copied.\n" +
			"In order to configure certain management and networking features, VMware ESX needs to know if this virtual machine was moved or copied.\n\n" +
			"If you don't know, answer \"I copied it\".\n",
		choices: []choice{
			{"0", "Cancel", abort},
			{"1", "I moved it", proceed},
			{"2", "I copied it", proceedNewUUID},
		},
		defaultIndex: 2,
	},
	// Asked when a file-backed serial port's file already exists (libvirt's src/esx README example).
	"serial": {
		messageID: "msg.serial.file.open",
		text: "The file specified for serial port 1 already exists.\n" +
			"Do you want to replace it with any content, or append to it?\n",
		choices: []choice{
			{"0", "Cancel", abort},
			{"1", "Append", proceed},
			{"2", "Replace", proceed},
		},
		// Never 0: vcsim's encoder drops defaultIndex 0 (omitempty), which reads as "no default".
		defaultIndex: 1,
	},
	// Asked half-way through a move when the destination runs short of space (armed with
	// /esxvirt-test/migration-question): Retry goes on, Cancel fails the move.
	"space": {
		messageID: "msg.hbacommon.outofspace",
		text: "There is no more space for virtual disk disk1.vmdk on the destination datastore.\n" +
			"You might be able to continue this session by freeing disk space on the relevant volume, and clicking Retry. Click Cancel to terminate this session.\n",
		choices: []choice{
			{"0", "Cancel", abort},
			{"1", "Retry", proceed},
		},
		defaultIndex: 1,
	},
}

// armSpec says which question the next power-ons of a VM ask.
type armSpec struct {
	kind       string
	cancelable bool
	times      int // power-ons left to ask on; -1: every one
}

// pendingQuestion is a power-on task blocked until AnswerVM or CancelTask.
type pendingQuestion struct {
	vm         types.ManagedObjectReference
	vmName     string
	task       *simulator.Task
	info       types.VirtualMachineQuestionInfo
	kind       *questionKind
	cancelable bool
	req        types.PowerOnVM_Task
	asked      time.Time
	// onAnswer receives the chosen key when the question blocks a move (migrate_run.go) rather than a power-on.
	onAnswer chan string
}

// answerRecord keeps how each question ended, for tests to read back via /esxvirt-test/questions.
type answerRecord struct {
	VM         string    `json:"vm"`
	VMName     string    `json:"vmName"`
	Task       string    `json:"task"`
	QuestionID string    `json:"questionId"`
	MessageID  string    `json:"messageId"`
	Choice     string    `json:"choice"`
	Label      string    `json:"label"`
	Default    bool      `json:"default"`
	Outcome    string    `json:"outcome"`
	Time       time.Time `json:"time"`
}

type questionBook struct {
	mu       sync.Mutex
	armed    map[string]armSpec
	pending  map[string]*pendingQuestion // by VM moid
	answered []answerRecord
	nextID   int
}

var questions = questionBook{armed: map[string]armSpec{}, pending: map[string]*pendingQuestion{}}

// nameTrigger reads the question a VM's name asks for: names starting with "question-" ask the
// uuid question; the dash-separated words "serial" and "cancelable" pick the serial-port question
// and a cancelable task.
func nameTrigger(name string) (armSpec, bool) {
	if !strings.HasPrefix(name, "question-") {
		return armSpec{}, false
	}
	spec := armSpec{kind: "uuid", times: -1}
	for _, w := range strings.Split(name, "-")[1:] {
		switch w {
		case "serial":
			spec.kind = "serial"
		case "cancelable":
			spec.cancelable = true
		}
	}
	return spec, true
}

// wouldAsk tells the router whether a power-on of vm must go to our helper.
func (b *questionBook) wouldAsk(vm *simulator.VirtualMachine) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.pending[vm.Self.Value]; ok {
		return true
	}
	if _, ok := b.armed[vm.Self.Value]; ok {
		return true
	}
	_, ok := nameTrigger(vm.Name)
	return ok
}

// consumeTrigger returns the question the next power-on of vm asks, using up one armed power-on.
func (b *questionBook) consumeTrigger(vm *simulator.VirtualMachine) (armSpec, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if spec, ok := b.armed[vm.Self.Value]; ok {
		if spec.times > 0 {
			spec.times--
			if spec.times == 0 {
				delete(b.armed, vm.Self.Value)
			} else {
				b.armed[vm.Self.Value] = spec
			}
		}
		return spec, true
	}
	return nameTrigger(vm.Name)
}

func (b *questionBook) arm(vm string, spec armSpec) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if spec.kind == "none" {
		delete(b.armed, vm)
		return
	}
	b.armed[vm] = spec
}

func (b *questionBook) disarmAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.armed = map[string]armSpec{}
}

func (b *questionBook) newQuestionID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	return fmt.Sprintf("_vmx%d", b.nextID)
}

func (b *questionBook) add(p *pendingQuestion) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending[p.vm.Value] = p
}

func (b *questionBook) pendingFor(vm types.ManagedObjectReference) *pendingQuestion {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pending[vm.Value]
}

func (b *questionBook) pendingForTask(task types.ManagedObjectReference) *pendingQuestion {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.pending {
		if p.task.Self == task {
			return p
		}
	}
	return nil
}

// resolve removes p from the pending set and records how it ended.
func (b *questionBook) resolve(p *pendingQuestion, rec answerRecord) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.pending, p.vm.Value)
	b.answered = append(b.answered, rec)
}

// questionInfo builds runtime.question for kind as ESX reports it.
func questionInfo(id string, kind *questionKind) types.VirtualMachineQuestionInfo {
	info := types.VirtualMachineQuestionInfo{
		Id:   id,
		Text: kind.messageID + ":" + kind.text,
		Message: []types.VirtualMachineMessage{{
			Id:   kind.messageID,
			Text: kind.text,
		}},
	}
	info.Choice.DefaultIndex = int32(kind.defaultIndex)
	for _, c := range kind.choices {
		info.Choice.ChoiceInfo = append(info.Choice.ChoiceInfo, &types.ElementDescription{
			Description: types.Description{Label: c.label, Summary: c.label},
			Key:         c.key,
		})
	}
	return info
}
