// Command kstatus prints the status Flux's health checks compute for one live object: it reads
// the object as JSON (kubectl get -o json) on stdin and runs sigs.k8s.io/cli-utils
// pkg/kstatus/status.Compute, the function kustomize-controller's `wait: true` and
// `healthChecks` use, then prints {"status": ..., "message": ...} as JSON.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("read stdin: %v", err)
	}
	// Decoded like client-go decodes objects from the API server (integers as int64), as Flux does.
	var obj unstructured.Unstructured
	if err := obj.UnmarshalJSON(raw); err != nil {
		fail("stdin is not a Kubernetes object: %v", err)
	}
	res, err := status.Compute(&obj)
	if err != nil {
		fail("compute status: %v", err)
	}
	out, _ := json.Marshal(map[string]string{"status": res.Status.String(), "message": res.Message})
	fmt.Println(string(out))
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "kstatus: "+format+"\n", args...)
	os.Exit(1)
}
