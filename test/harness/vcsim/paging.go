package main

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// pagingCollector adds what vcsim 0.24.2's PropertyCollector lacks: RetrievePropertiesEx honours
// options.maxObjects (and the -page-size cap) by returning a token, which
// ContinueRetrievePropertiesEx and CancelRetrievePropertiesEx accept; and property retrieval
// outside a session fails with NotAuthenticated, as on a real server, instead of answering.
//
// PropertyCollector is embedded by value: vcsim clones the registered collector per session with
// reflect.New of this type, so its zero value must work.
type pagingCollector struct {
	simulator.PropertyCollector

	mu    sync.Mutex
	pages map[string]*pendingPages
	fwd   *updateForwarder // see updates.go
}

// pendingPages is the unsent rest of one retrieval, computed at the first call as vCenter does.
type pendingPages struct {
	objects []types.ObjectContent
	limit   int
}

var tokenCounter atomic.Int64

// installPagingCollector replaces the root PropertyCollector singleton with ours.
func installPagingCollector() {
	ref := simulator.Map.Get(serviceContent().PropertyCollector).Reference()
	pc := &pagingCollector{}
	pc.Self = ref
	simulator.Map.Put(pc)
}

// sessionlessAllowed keeps vcsim's answer to one call clients rely on without a session: reading
// SessionManager.currentSession (empty when logged out) to test whether a session is alive.
func sessionlessAllowed(specs []types.PropertyFilterSpec) bool {
	for _, s := range specs {
		for _, o := range s.ObjectSet {
			if o.Obj.Type != "SessionManager" {
				return false
			}
		}
	}
	return len(specs) > 0
}

func (pc *pagingCollector) RetrievePropertiesEx(ctx *simulator.Context, r *types.RetrievePropertiesEx) soap.HasFault {
	if ctx.Session == nil && !sessionlessAllowed(r.SpecSet) {
		return &methods.RetrievePropertiesExBody{Fault_: simulator.Fault(notAuthenticatedMsg, notAuthenticated(pc.Self))}
	}
	res := pc.PropertyCollector.RetrievePropertiesEx(ctx, r)
	body, ok := res.(*methods.RetrievePropertiesExBody)
	if !ok || body.Fault_ != nil || body.Res == nil || body.Res.Returnval == nil {
		return res
	}
	limit := int(r.Options.MaxObjects)
	if cap := int(control.pageSize.Load()); cap > 0 && (limit <= 0 || cap < limit) {
		limit = cap
	}
	result := body.Res.Returnval
	if limit > 0 && len(result.Objects) > limit {
		result.Token = pc.store(&pendingPages{objects: result.Objects[limit:], limit: limit})
		result.Objects = result.Objects[:limit]
	}
	return body
}

func (pc *pagingCollector) RetrieveProperties(ctx *simulator.Context, r *types.RetrieveProperties) soap.HasFault {
	if ctx.Session == nil && !sessionlessAllowed(r.SpecSet) {
		return &methods.RetrievePropertiesBody{Fault_: simulator.Fault(notAuthenticatedMsg, notAuthenticated(pc.Self))}
	}
	return pc.PropertyCollector.RetrieveProperties(ctx, r)
}

func (pc *pagingCollector) ContinueRetrievePropertiesEx(ctx *simulator.Context, r *types.ContinueRetrievePropertiesEx) soap.HasFault {
	body := &methods.ContinueRetrievePropertiesExBody{}
	if ctx.Session == nil {
		body.Fault_ = simulator.Fault(notAuthenticatedMsg, notAuthenticated(pc.Self))
		return body
	}
	p := pc.take(r.Token)
	if p == nil {
		body.Fault_ = simulator.Fault("invalid or expired token", &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	result := &types.RetrieveResult{Objects: p.objects}
	if len(p.objects) > p.limit {
		result.Objects = p.objects[:p.limit]
		result.Token = pc.store(&pendingPages{objects: p.objects[p.limit:], limit: p.limit})
	}
	body.Res = &types.ContinueRetrievePropertiesExResponse{Returnval: *result}
	return body
}

func (pc *pagingCollector) CancelRetrievePropertiesEx(ctx *simulator.Context, r *types.CancelRetrievePropertiesEx) soap.HasFault {
	body := &methods.CancelRetrievePropertiesExBody{}
	if ctx.Session == nil {
		body.Fault_ = simulator.Fault(notAuthenticatedMsg, notAuthenticated(pc.Self))
		return body
	}
	if pc.take(r.Token) == nil {
		body.Fault_ = simulator.Fault("invalid or expired token", &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	body.Res = &types.CancelRetrievePropertiesExResponse{}
	return body
}

// CreatePropertyCollector hands out collectors of our type, so paging works on them too.
func (pc *pagingCollector) CreatePropertyCollector(ctx *simulator.Context, c *types.CreatePropertyCollector) soap.HasFault {
	cpc := &pagingCollector{}
	cpc.Self.Type = "PropertyCollector"
	return &methods.CreatePropertyCollectorBody{
		Res: &types.CreatePropertyCollectorResponse{Returnval: ctx.Session.Put(cpc).Reference()},
	}
}

func (pc *pagingCollector) store(p *pendingPages) string {
	token := strconv.FormatInt(tokenCounter.Add(1), 10)
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.pages == nil {
		pc.pages = make(map[string]*pendingPages)
	}
	pc.pages[token] = p
	return token
}

// take removes and returns the pages behind token: each token is good for one call.
func (pc *pagingCollector) take(token string) *pendingPages {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p := pc.pages[token]
	delete(pc.pages, token)
	return p
}

func serviceContent() types.ServiceContent {
	return simulator.Map.Get(types.ManagedObjectReference{Type: "ServiceInstance", Value: "ServiceInstance"}).(*simulator.ServiceInstance).Content
}
