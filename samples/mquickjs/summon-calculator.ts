/// <reference path="stubs/Calculator.ts" />
// A Hauki OS script: summon the quick start's calculator through UAH CORE, call it, destruct it.
// The host loads the compiled script, then calls main with its bridge, the gateway's address and the caller's key for
// UAH CORE (see run-on-node.js): on mquickjs, values a host sets on the global object are not visible as globals.
declare function print(text: string): void;

function fail(step: string, error: MeshRpc.MeshError | null): void {
    print(step + " failed: " + (error ? error.code + ": " + error.message : "no result"));
}

/** The script's entry point, called by the host once the script is loaded. */
function main(host: MeshHostBridge, gatewayUrl: string, credential: string): void {
    MeshRpc.useHost(host);
    MeshRpc.useCredential(credential);
    MeshStubs.Calculator.summon(gatewayUrl, { gem: "gem://calculator@1.0.0" }, function (error, calculator) {
        if (error || !calculator) {
            fail("summon", error);
            return;
        }
        print("summoned worker " + calculator.connection.ticket.workerId + " on node " + calculator.connection.ticket.nodeId);
        calculator.add(2, 3, function (error, sum) {
            if (error) {
                fail("add", error);
            } else {
                print("2 + 3 = " + sum);
            }
            calculator.divide(1, 0, function (error) {
                // Errors are values: the worker's DivideByZeroException arrives as a RemoteError.
                print("1 / 0 -> " + (error ? error.code + " " + error.remoteType : "no error?"));
                calculator.destruct(function (error) {
                    print(error ? "destruct failed: " + error.message : "destructed");
                });
            });
        });
    });
}
