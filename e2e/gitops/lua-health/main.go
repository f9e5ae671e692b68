// Command lua-health runs an Argo CD resource health script with gopher-lua, the interpreter
// Argo CD embeds, the way Argo CD runs it: the live object (JSON on stdin) is bound to the
// global `obj` as a Lua table, the script returns a table with `status` and `message`, which is
// printed as JSON. Usage: lua-health SCRIPT.lua < object.json
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	lua "github.com/yuin/gopher-lua"
)

func main() {
	if len(os.Args) != 2 {
		fail("usage: lua-health SCRIPT.lua < object.json")
	}
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("read script: %v", err)
	}
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("read stdin: %v", err)
	}
	var obj interface{}
	if err := json.Unmarshal(raw, &obj); err != nil {
		fail("stdin is not JSON: %v", err)
	}
	// Argo CD opens only these libraries for health scripts (plus a reduced os).
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoString(string(script)); err != nil {
		fail("run script: %v", err)
	}
	ret, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		fail("script did not return a table")
	}
	out, _ := json.Marshal(map[string]string{
		"status":  lua.LVAsString(ret.RawGetString("status")),
		"message": lua.LVAsString(ret.RawGetString("message")),
	})
	fmt.Println(string(out))
}

// toLua converts decoded JSON into Lua values the way Argo CD's decodeValue does.
func toLua(L *lua.LState, v interface{}) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case float64:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case []interface{}:
		t := L.CreateTable(len(x), 0)
		for _, e := range x {
			t.Append(toLua(L, e))
		}
		return t
	case map[string]interface{}:
		t := L.CreateTable(0, len(x))
		for k, e := range x {
			t.RawSetString(k, toLua(L, e))
		}
		return t
	}
	return lua.LNil
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "lua-health: "+format+"\n", args...)
	os.Exit(1)
}
