// Command vcsim is esxvirt's vSphere simulator launcher for integration tests and benchmarks.
//
// It runs govmomi's simulator package (Debian's golang-github-vmware-govmomi-dev, 0.24.2) as a
// library, extends it where 0.24.2 lacks behaviour our client must be tested on (see README.md
// beside this file), prints one JSON line describing the endpoint and serves until SIGTERM/SIGINT
// or until stdin closes.
package main

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
)

type options struct {
	model          string
	vms            int
	datacenters    int
	clusters       int
	hosts          int
	standalone     int
	datastores     int
	tls            bool
	delay          int
	pageSize       int
	sessionTimeout time.Duration
	listen         string
	watchStdin     bool
	quiet          bool
	trace          bool
	migrationLab   bool
	migrateMs      int
	asHost         string
	datastoreKinds []string
	iscsi          bool
}

// startup is the one JSON line printed on stdout once the server accepts connections.
type startup struct {
	URL        string `json:"url"`
	Thumbprint string `json:"thumbprint"`
	SHA256     string `json:"sha256"`
	CertPem    string `json:"certPem"`
	Pid        int    `json:"pid"`
	Model      string `json:"model"`
	VMs        int    `json:"vms"`
	Hosts      int    `json:"hosts"`
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.model, "model", "esx", "esx (standalone host) or vpx (vCenter)")
	flag.IntVar(&o.vms, "vms", -1, "VMs per standalone host and per cluster (vcsim Model.Machine); -1 keeps the model default of 2")
	flag.IntVar(&o.datacenters, "datacenters", -1, "vpx: datacenters (default 1)")
	flag.IntVar(&o.clusters, "clusters", -1, "vpx: clusters per datacenter (default 1)")
	flag.IntVar(&o.hosts, "hosts", -1, "vpx: hosts per cluster (default 3)")
	flag.IntVar(&o.standalone, "standalone", -1, "vpx: standalone hosts per datacenter (default 1)")
	flag.IntVar(&o.datastores, "datastores", -1, "local datastores (default 1)")
	flag.BoolVar(&o.tls, "tls", true, "serve HTTPS with a fresh self-signed certificate; false serves plain HTTP")
	flag.IntVar(&o.delay, "delay", 0, "milliseconds added to every SOAP call")
	flag.IntVar(&o.pageSize, "page-size", 0, "server cap on objects per RetrievePropertiesEx page even without maxObjects (0: none)")
	flag.DurationVar(&o.sessionTimeout, "session-timeout", 0, "idle time after which sessions expire (0: never)")
	flag.StringVar(&o.listen, "listen", "127.0.0.1:0", "listen address")
	flag.BoolVar(&o.watchStdin, "watch-stdin", true, "exit when stdin reaches EOF (the parent died or closed the pipe)")
	flag.BoolVar(&o.quiet, "quiet", false, "discard the simulator's log output")
	flag.BoolVar(&o.trace, "trace", false, "write SOAP traffic to stderr")
	flag.BoolVar(&o.migrationLab, "migration-lab", false, "vpx: shape the inventory for migration tests (2 clusters × 3 hosts, 2 shared datastores; see README.md)")
	flag.IntVar(&o.migrateMs, "migrate-ms", 600, "how long a RelocateVM_Task or MigrateVM_Task runs, in ms (ten progress steps)")
	flag.StringVar(&o.asHost, "as-host", "", "esx: a JSON file of host facts (/esxvirt-test/host-facts of a vCenter model) this host takes on")
	kinds := flag.String("datastore-kinds", "", "comma-separated kind of each datastore in name order: local (default), vmfs or nfs")
	flag.BoolVar(&o.iscsi, "iscsi", false, "give each host a software iSCSI adapter with a static target and two LUNs")
	flag.Parse()
	if *kinds != "" {
		o.datastoreKinds = strings.Split(*kinds, ",")
	}
	return o
}

func newModel(o options) (*simulator.Model, error) {
	var m *simulator.Model
	switch o.model {
	case "esx":
		m = simulator.ESX()
	case "vpx":
		m = simulator.VPX()
		setIf(&m.Datacenter, o.datacenters)
		setIf(&m.Cluster, o.clusters)
		setIf(&m.ClusterHost, o.hosts)
		setIf(&m.Host, o.standalone)
		if o.migrationLab {
			// the lab's shape unless the flags say otherwise
			setDefault(&m.Cluster, o.clusters, 2)
			setDefault(&m.ClusterHost, o.hosts, 3)
			setDefault(&m.Host, o.standalone, 0)
			setDefault(&m.Datastore, o.datastores, 2)
		}
	default:
		return nil, fmt.Errorf("unknown -model %q (want esx or vpx)", o.model)
	}
	setIf(&m.Machine, o.vms)
	setIf(&m.Datastore, o.datastores)
	if m.Datastore == 0 && m.Machine > 0 {
		return nil, fmt.Errorf("-datastores 0 needs -vms 0 (vcsim places every VM on LocalDS_0)")
	}
	m.DelayConfig.Delay = o.delay
	return m, nil
}

func setDefault(dst *int, v, def int) {
	if v < 0 {
		*dst = def
	}
}

func setIf(dst *int, v int) {
	if v >= 0 {
		*dst = v
	}
}

func main() {
	o := parseFlags()
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "vcsim: %s\n", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.quiet {
		log.SetOutput(io.Discard)
	}
	simulator.Trace = o.trace
	simulator.SessionIdleTimeout = o.sessionTimeout
	control.pageSize.Store(int64(o.pageSize))

	model, err := newModel(o)
	if err != nil {
		return err
	}
	if err := model.Create(); err != nil {
		model.Remove()
		return fmt.Errorf("creating model: %w", err)
	}
	removed := false
	defer func() {
		if !removed {
			model.Remove()
		}
	}()
	if err := installExtensions(o); err != nil {
		return err
	}
	migrations.duration.Store(int64(o.migrateMs))
	if o.migrationLab {
		if err := setupMigrationLab(); err != nil {
			return err
		}
	}
	if o.asHost != "" {
		if err := applyHostFacts(o.asHost); err != nil {
			return err
		}
	}

	listen, err := url.Parse("//" + o.listen)
	if err != nil {
		return fmt.Errorf("bad -listen: %w", err)
	}
	model.Service.Listen = listen

	var cert *selfSigned
	if o.tls {
		// a listener on another loopback address (an ESX endpoint at 127.0.0.2) is named in the certificate too
		var extra []net.IP
		if ip := net.ParseIP(listen.Hostname()); ip != nil && !ip.IsUnspecified() {
			extra = append(extra, ip)
		}
		cert, err = newSelfSigned(extra...)
		if err != nil {
			return err
		}
		defer os.Remove(cert.pemPath)
		model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert.pair}}
	}

	srv := model.Service.NewServer()
	// NewServer starts serving at once and offers no hook before the handler is fixed; nobody
	// knows the port until the JSON line below is printed, so swapping it here is not racy in practice.
	srv.Config.Handler = newInterceptor(srv.Config.Handler)

	u := *srv.URL
	u.User = nil
	info := startup{
		URL:   u.String(),
		Pid:   os.Getpid(),
		Model: o.model,
		VMs:   len(simulator.Map.All("VirtualMachine")),
		Hosts: len(simulator.Map.All("HostSystem")),
	}
	if cert != nil {
		info.Thumbprint = cert.sha1
		info.SHA256 = cert.sha256
		info.CertPem = cert.pemPath
	}
	line, _ := json.Marshal(info)
	fmt.Println(string(line))

	waitForExit(o.watchStdin)
	// Remove first (temporary datastores; ~3 s for 5,000 VMs), so a SIGKILL after a slow Close
	// leaves nothing behind.
	model.Remove()
	removed = true
	closeWithin(srv, 2*time.Second)
	return nil
}

// waitForExit blocks until a termination signal arrives or, when watching, stdin reaches EOF.
func waitForExit(watchStdin bool) {
	done := make(chan struct{}, 2)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	go func() {
		<-sig
		done <- struct{}{}
	}()
	if watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
			done <- struct{}{}
		}()
	}
	<-done
}

// closeWithin stops the server but does not wait forever: a client's pending WaitForUpdatesEx
// without maxWaitSeconds would otherwise block Close indefinitely.
func closeWithin(srv *simulator.Server, limit time.Duration) {
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(limit):
	}
}
