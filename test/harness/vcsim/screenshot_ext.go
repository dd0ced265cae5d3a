package main

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// CreateScreenshot_Task as ESX documents it: a powered-on VM's console is written as a PNG into
// the VM's folder ('<name>-<n>.png', the first free n) and the task's result is its datastore
// path. The picture is a small image whose colours follow the VM's name and power-on time, so two
// VMs (and two boots) give different files.
func (h *vmHelper) CreateScreenshotTask(ctx *simulator.Context, req *types.CreateScreenshot_Task) soap.HasFault {
	vm := lookupVM(h.Self.Value)
	if vm == nil {
		return &methods.CreateScreenshot_TaskBody{Fault_: faultBody("", &types.ManagedObjectNotFound{Obj: realRef(h.Self, "VirtualMachine")})}
	}
	var ref types.ManagedObjectReference
	ctx.WithLock(vm, func() {
		if vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOn {
			ref = failedTask(vm, "createScreenshot", &types.InvalidPowerState{RequestedState: types.VirtualMachinePowerStatePoweredOn, ExistingState: vm.Runtime.PowerState})
			return
		}
		t := simulator.CreateTask(vm, "createScreenshot", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) { return writeScreenshot(vm) })
		ref = t.Run()
	})
	return &methods.CreateScreenshot_TaskBody{Res: &types.CreateScreenshot_TaskResponse{Returnval: ref}}
}

func writeScreenshot(vm *simulator.VirtualMachine) (types.AnyType, types.BaseMethodFault) {
	var p object.DatastorePath
	if !p.FromString(vm.Config.Files.VmPathName) {
		return nil, &types.InvalidDatastorePath{DatastorePath: vm.Config.Files.VmPathName}
	}
	dir := path.Dir(p.Path)
	base := strings.TrimSuffix(path.Base(p.Path), path.Ext(p.Path))
	if path.Ext(p.Path) != ".vmx" {
		dir, base = p.Path, path.Base(p.Path)
	}
	localDir, f := localPath(p.String())
	if f != nil {
		return nil, f
	}
	if path.Ext(p.Path) == ".vmx" {
		localDir = path.Dir(localDir)
	}
	_ = os.MkdirAll(localDir, 0o700)
	for n := 1; n < 10000; n++ {
		name := base + "-" + strconv.Itoa(n) + ".png"
		file := path.Join(localDir, name)
		if _, err := os.Stat(file); err == nil {
			continue
		}
		if err := os.WriteFile(file, screenshotPNG(vm), 0o600); err != nil {
			return nil, &types.FileFault{File: file}
		}
		return (&object.DatastorePath{Datastore: p.Datastore, Path: path.Join(dir, name)}).String(), nil
	}
	return nil, &types.FileFault{File: localDir}
}

// screenshotPNG draws a 160x120 picture: a background from the VM's name, a bar per second of
// uptime modulo the width.
func screenshotPNG(vm *simulator.VirtualMachine) []byte {
	h := fnv.New32a()
	_, _ = h.Write([]byte(vm.Name))
	if vm.Runtime.BootTime != nil {
		_, _ = h.Write([]byte(vm.Runtime.BootTime.String()))
	}
	sum := h.Sum32()
	bg := color.RGBA{R: uint8(sum), G: uint8(sum >> 8), B: uint8(sum >> 16), A: 255}
	img := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 160; x++ {
			c := bg
			if y >= 100 && x < int(sum%160) {
				c = color.RGBA{R: 255, G: 255, B: 255, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// installScreenshots makes every host report capability.screenshotSupported, as ESX does.
func installScreenshots() {
	for _, obj := range simulator.Map.All("HostSystem") {
		if host, ok := obj.(*simulator.HostSystem); ok {
			simulator.Map.WithLock(host, func() {
				c := types.HostCapability{}
				if host.Capability != nil {
					c = *host.Capability
				}
				c.ScreenshotSupported = true
				simulator.Map.Update(host, []types.PropertyChange{{Name: "capability", Val: &c}})
			})
		}
	}
}
