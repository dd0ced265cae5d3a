package main

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The little of the VMDK format the simulated host needs (VMware's "Virtual Disk Format 5.0"):
// reading a descriptor's extents and disk database, a sparse header's capacity, and writing the
// descriptor ESX writes for a new VMFS disk.

// vmdkInfo is what the datastore browser and the disk manager learn from a .vmdk file.
type vmdkInfo struct {
	createType string
	sectors    int64    // capacity in 512-byte sectors
	extents    []string // extent file names beside the descriptor (none for a sparse file)
	ddb        map[string]string
	sparse     bool // a monolithicSparse or streamOptimized file (KDMV header)
}

var extentLine = regexp.MustCompile(`^(RW|RDONLY|NOACCESS)\s+(\d+)\s+(\w+)(?:\s+"([^"]*)")?`)

// readVmdk reads a descriptor or a sparse header; ok is false when the file is neither.
func readVmdk(file string) (vmdkInfo, bool) {
	f, err := os.Open(file)
	if err != nil {
		return vmdkInfo{}, false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if n >= 64 && string(head[:4]) == "KDMV" {
		info := vmdkInfo{sparse: true, sectors: int64(binary.LittleEndian.Uint64(head[12:20])), ddb: map[string]string{}}
		// The embedded descriptor (if any) names the create type and the disk database.
		off, size := int64(binary.LittleEndian.Uint64(head[28:36])), int64(binary.LittleEndian.Uint64(head[36:44]))
		if off > 0 && size > 0 && size < 2048 {
			buf := make([]byte, size*512)
			if m, _ := f.ReadAt(buf, off*512); m > 0 {
				d := parseDescriptor(buf[:m])
				info.createType, info.ddb = d.createType, d.ddb
			}
		}
		return info, true
	}
	if !bytes.Contains(head, []byte("createType")) && !bytes.Contains(head, []byte("# Disk DescriptorFile")) {
		return vmdkInfo{}, false
	}
	rest, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	return parseDescriptor(append(head, rest...)), true
}

func parseDescriptor(text []byte) vmdkInfo {
	info := vmdkInfo{ddb: map[string]string{}}
	for _, raw := range strings.Split(string(bytes.TrimRight(text, "\x00")), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := extentLine.FindStringSubmatch(line); m != nil {
			n, _ := strconv.ParseInt(m[2], 10, 64)
			info.sectors += n
			if m[4] != "" {
				info.extents = append(info.extents, m[4])
			}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch {
		case strings.EqualFold(k, "createType"):
			info.createType = v
		case strings.HasPrefix(k, "ddb."):
			info.ddb[strings.TrimPrefix(k, "ddb.")] = v
		}
	}
	return info
}

// extentPaths are the local files of a disk's extents (names are plain, beside the descriptor).
func (v vmdkInfo) extentPaths(descriptor string) []string {
	var out []string
	for _, e := range v.extents {
		if e != "" && !strings.ContainsAny(e, "/\\") && e != ".." {
			out = append(out, path.Join(path.Dir(descriptor), e))
		}
	}
	return out
}

// adapterDdb maps VirtualDiskAdapterType to ddb.adapterType.
var adapterDdb = map[string]string{"ide": "ide", "busLogic": "buslogic", "lsiLogic": "lsilogic"}

// controllerOf maps ddb.adapterType to the controller class VmDiskFileInfo.controllerType names.
var controllerOf = map[string]string{
	"ide":        "VirtualIDEController",
	"buslogic":   "VirtualBusLogicController",
	"lsilogic":   "VirtualLsiLogicController",
	"lsisas1068": "VirtualLsiLogicSASController",
	"pvscsi":     "ParaVirtualSCSIController",
	"legacyesx":  "VirtualBusLogicController",
}

// geometry is what ESX writes for a disk of `sectors` (IDE 16/63, SCSI 255/63 past 2 GiB).
func geometry(sectors int64, adapter string) (int64, int, int) {
	heads, spt := 255, 63
	switch {
	case adapter == "ide":
		heads, spt = 16, 63
	case sectors < 1<<21:
		heads, spt = 64, 32
	case sectors < 1<<22:
		heads, spt = 128, 32
	}
	c := sectors / int64(heads*spt)
	if c < 1 {
		c = 1
	}
	if adapter == "ide" && c > 16383 {
		c = 16383
	}
	return c, heads, spt
}

// newUUID is a ddb.uuid as ESX writes it: 16 hex bytes, "60 00 C2 9b 5d 8e 7a 1c-2f 6b 41 dd 83 c1 09 0a".
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[0], b[1], b[2] = 0x60, 0x00, 0xc2
	var parts []string
	for i, x := range b {
		sep := " "
		if i == 8 {
			sep = "-"
		}
		if i == 0 {
			sep = ""
		}
		if i < 3 {
			parts = append(parts, fmt.Sprintf("%s%02X", sep, x))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s%02x", sep, x))
	}
	return strings.Join(parts, "")
}

// vmfsDescriptor is the descriptor ESX writes for a VMFS disk with one VMFS extent.
func vmfsDescriptor(sectors int64, extent, adapter string, thin bool, ddb map[string]string) string {
	c, h, s := geometry(sectors, adapter)
	keys := map[string]string{
		"adapterType":        adapter,
		"geometry.cylinders": strconv.FormatInt(c, 10),
		"geometry.heads":     strconv.Itoa(h),
		"geometry.sectors":   strconv.Itoa(s),
		"virtualHWVersion":   "13",
	}
	for k, v := range ddb {
		if k != "thinProvisioned" && !strings.HasPrefix(k, "geometry.") && k != "adapterType" {
			keys[k] = v
		}
	}
	if keys["uuid"] == "" {
		keys["uuid"] = newUUID()
	}
	if thin {
		keys["thinProvisioned"] = "1"
	}
	var b strings.Builder
	b.WriteString("# Disk DescriptorFile\nversion=1\nencoding=\"UTF-8\"\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"vmfs\"\n\n")
	fmt.Fprintf(&b, "# Extent description\nRW %d VMFS \"%s\"\n\n# The Disk Data Base\n#DDB\n\n", sectors, extent)
	order := []string{"adapterType", "geometry.cylinders", "geometry.heads", "geometry.sectors", "longContentID", "thinProvisioned", "uuid", "virtualHWVersion"}
	done := map[string]bool{}
	for _, k := range order {
		if v, ok := keys[k]; ok {
			fmt.Fprintf(&b, "ddb.%s = \"%s\"\n", k, v)
			done[k] = true
		}
	}
	var rest []string
	for k := range keys {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		fmt.Fprintf(&b, "ddb.%s = \"%s\"\n", k, keys[k])
	}
	return b.String()
}

// flatName is ESX's extent name for descriptor X.vmdk: X-flat.vmdk.
func flatName(descriptor string) string {
	base := path.Base(descriptor)
	return strings.TrimSuffix(base, path.Ext(base)) + "-flat.vmdk"
}
