using System.Reflection;
using MeshRpc.ControlPlane;
using MeshRpc.Hosting;
using MeshRpc.HostProtocol;
using MeshRpc.Tickets;

namespace MeshRpc.Runtime.Tests.Packaging;

/// <summary>
/// Each package holds what its audience needs and nothing another audience owns: the caller's public API names no
/// signer, agent message or host type; the worker side's names no caller type; neither references the other.
/// </summary>
public sealed class PackageAudienceTests
{
    private static readonly Assembly CallerPackage = typeof(MeshClient).Assembly;
    private static readonly Assembly WorkerPackage = typeof(WorkerServer).Assembly;

    // The control plane's own conversations (gateway with agent, agent with worker host) and its signing key.
    private static readonly Type[] NotForCallers =
    [
        typeof(TicketSigner), typeof(ForgeRequest), typeof(ForgeResponse), typeof(NodeRegistration), typeof(NodeRegistered),
        typeof(NodeHeartbeat), typeof(WorkerHostConfig), typeof(WorkerHostInstruction), typeof(WorkerHostStatus),
    ];

    [Fact]
    public void TheCallerPackage_ReferencesNoWorkerSideOrControlPlanePackage()
    {
        var references = CallerPackage.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.DoesNotContain(WorkerPackage.GetName().Name, references);
        Assert.DoesNotContain("MeshRpc.Gateway", references);
        Assert.DoesNotContain("MeshRpc.NodeAgent", references);
        Assert.DoesNotContain("MeshRpc.WorkerHost", references);
    }

    [Fact]
    public void TheCallerPackagesPublicApi_NamesNoSignerAgentMessageOrHostType()
    {
        var named = PublicApiTypes(CallerPackage).ToList();

        Assert.Contains(typeof(CapabilityTicket), named);
        Assert.Empty(named.Where(t => NotForCallers.Contains(t) || t.Assembly == WorkerPackage).Select(t => t.FullName).Distinct());
    }

    [Fact]
    public void TheCallerPackagesPublicApi_NamesNoStreamJsonRpcType()
    {
        // The JSON-RPC library is how a connection works, not what a caller programs against.
        var named = PublicApiTypes(CallerPackage).Where(t => t.Assembly.GetName().Name == "StreamJsonRpc").Select(t => t.FullName).Distinct();

        Assert.Empty(named);
    }

    [Fact]
    public void TheWorkerPackage_ReferencesAndNamesNoCallerType()
    {
        Assert.DoesNotContain(CallerPackage.GetName().Name, WorkerPackage.GetReferencedAssemblies().Select(a => a.Name));
        Assert.Empty(PublicApiTypes(WorkerPackage).Where(t => t.Assembly == CallerPackage).Select(t => t.FullName).Distinct());
    }

    [Fact]
    public void TheSharedPackages_ReferenceNeitherEnd()
    {
        foreach (var shared in new[] { typeof(MeshContract).Assembly, typeof(MeshRpc.Wire.Frames).Assembly, typeof(MeshWorkerAttribute).Assembly })
        {
            var references = shared.GetReferencedAssemblies().Select(a => a.Name).ToList();
            Assert.DoesNotContain(CallerPackage.GetName().Name, references);
            Assert.DoesNotContain(WorkerPackage.GetName().Name, references);
        }

        // The protocol is plain messages: no JSON-RPC stack, no HTTP client library.
        var protocol = typeof(MeshRpc.Wire.Frames).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("StreamJsonRpc", protocol);
        Assert.DoesNotContain("Refit", protocol);
    }

    [Fact]
    public void GeneratedOnlyEntryPoints_AreHiddenFromIntelliSense()
    {
        MethodBase[] generatedOnly =
        [
            typeof(MeshContracts).GetMethod(nameof(MeshContracts.Register))!,
            typeof(GhostProxies).GetMethod(nameof(GhostProxies.Register))!,
            typeof(MeshDispatchers).GetMethod(nameof(MeshDispatchers.Register))!,
            typeof(MeshContract<>).GetConstructors().Single(),
        ];

        foreach (var member in generatedOnly)
        {
            var attribute = member.GetCustomAttribute<System.ComponentModel.EditorBrowsableAttribute>();
            Assert.True(attribute?.State == System.ComponentModel.EditorBrowsableState.Never, $"{member.DeclaringType}.{member.Name} is visible in IntelliSense.");
        }
    }

    // Every type a public or protected member of a public type names: base types, fields, properties, parameters, returns.
    private static IEnumerable<Type> PublicApiTypes(Assembly assembly)
    {
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetExportedTypes())
        {
            var named = new List<Type> { type };
            if (type.BaseType is { } baseType)
            {
                named.Add(baseType);
            }

            named.AddRange(type.GetInterfaces());
            foreach (var member in type.GetMembers(Declared))
            {
                switch (member)
                {
                    case FieldInfo field when field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly:
                        named.Add(field.FieldType);
                        break;
                    case PropertyInfo property when property.GetAccessors(nonPublic: true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly):
                        named.Add(property.PropertyType);
                        break;
                    case MethodBase method when method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly:
                        named.AddRange(method.GetParameters().Select(p => p.ParameterType));
                        if (method is MethodInfo info)
                        {
                            named.Add(info.ReturnType);
                        }

                        break;
                }
            }

            foreach (var t in named.SelectMany(Expand))
            {
                yield return t;
            }
        }
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType)
        {
            return Expand(type.GetElementType()!);
        }

        return type.IsGenericType ? [type.GetGenericTypeDefinition(), .. type.GetGenericArguments().SelectMany(Expand)] : [type];
    }
}
