/// <reference path="stubs/Calculator.ts" />
// A Hauki OS script: summon the quick start's calculator through UAH CORE, call it, destruct it.
// The host defines gatewayUrl, credential (the caller's key for UAH CORE), print and MeshHost before loading the
// compiled script (see run-on-node.js).
declare var gatewayUrl: string;
declare var credential: string;
declare function print(text: string): void;

function fail(step: string, error: MeshRpc.MeshError | null): void {
    print(step + " failed: " + (error ? error.code + ": " + error.message : "no result"));
}

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
