namespace MeshRpc.IntegrationTests.Containment;

/// <summary>
/// The containment suite on bubblewrap. Without a seccomp filter or cgroups, bubblewrap refuses only the system
/// calls that need a capability or a new user namespace, and sets no process or memory limit (docs/security.md).
/// </summary>
public sealed class BwrapContainmentTests(BwrapContainment fixture) : ContainmentTests(fixture), IClassFixture<BwrapContainment>
{
    // EPERM: the capability is missing. ENOSYS: this kernel has no such call (modules, kexec), which refuses as well.
    [Theory]
    [InlineData("unshare-net")]
    [InlineData("unshare-mount")]
    [InlineData("setns")]
    [InlineData("init_module")]
    [InlineData("finit_module")]
    [InlineData("delete_module")]
    [InlineData("kexec_load")]
    [InlineData("mount")]
    [InlineData("umount2")]
    [InlineData("pivot_root")]
    [InlineData("chroot")]
    [InlineData("swapon")]
    [InlineData("reboot")]
    [InlineData("settimeofday")]
    public Task Refuses_SystemCall(string name) => AssertSystemCallRefusedAsync(name, 1, 38);
}
