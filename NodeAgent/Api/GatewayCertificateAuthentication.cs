using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using MeshRpc.ControlPlane;
using MeshRpc.NodeAgent.Registration;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace MeshRpc.NodeAgent.Api;

/// <summary>
/// The agent serves HTTPS with its own certificate (which the gateway pins) and asks every client for one; only the
/// client certificate of the gateway it registered with authenticates (<c>Microsoft.AspNetCore.Authentication.Certificate</c>).
/// Anyone else, callers and workers included, is refused with problem+json.
/// </summary>
internal static class GatewayCertificateAuthentication
{
    /// <summary>Configures Kestrel's HTTPS and the certificate authentication of the gateway.</summary>
    public static void AddGatewayCertificateAuthentication(this WebApplicationBuilder builder)
    {
        // The slim builder leaves HTTPS out until asked for.
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
        {
            // Endpoints are configured as the server starts, when the node's identity can be resolved.
            https.ServerCertificate = kestrel.ApplicationServices.GetRequiredService<NodeIdentity>().Certificate;

            // Asked for, not required at the TLS layer, so a client without one gets a readable 401 instead of a broken handshake.
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
        }));
        builder.Services.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme).AddCertificate(certificate =>
        {
            // The pin is the trust decision: self-signed, no revocation to check, no usage to insist on.
            certificate.AllowedCertificateTypes = CertificateTypes.SelfSigned;
            certificate.RevocationMode = X509RevocationMode.NoCheck;
            certificate.ValidateCertificateUse = false;
            certificate.Events = new CertificateAuthenticationEvents
            {
                OnCertificateValidated = context =>
                {
                    if (context.HttpContext.RequestServices.GetRequiredService<NodeIdentity>().IsGateway(context.ClientCertificate))
                    {
                        context.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("gateway", "registered")], context.Scheme.Name));
                        context.Success();
                    }
                    else
                    {
                        context.Fail("not the gateway this node registered with");
                    }

                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    await AgentEndpoints.Problem(MeshErrorCodes.Unauthenticated,
                        "This node agent serves only the gateway it registered with, which proves itself with its client certificate over mutual TLS. Call UAH CORE instead.")
                        .ExecuteAsync(context.HttpContext);
                },
            };
        })
            // Validation builds an X.509 chain, a cost every forge request would pay again for the same certificate.
            .AddCertificateCache();
        builder.Services.AddAuthorizationBuilder().SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }
}
