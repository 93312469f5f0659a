using System.ComponentModel.DataAnnotations;
using System.Net;

namespace OtpWall.Dashboard.Hosting;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. Bound from
/// <c>OtpWall:Proxy</c>; both are comma-separated lists. Anyone else's forwarded headers are ignored.
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    public const string SectionName = "OtpWall:Proxy";

    /// <summary>Proxy addresses, e.g. <c>127.0.0.1,::1</c> (a proxy on the same host, the default).</summary>
    public string KnownProxies { get; set; } = "127.0.0.1,::1";

    /// <summary>Proxy networks in CIDR form, e.g. <c>172.30.0.0/24</c> (the Docker network of compose.yaml).</summary>
    public string KnownNetworks { get; set; } = "";

    public IEnumerable<IPAddress> Proxies => Split(KnownProxies).Select(IPAddress.Parse);

    public IEnumerable<IPNetwork> Networks => Split(KnownNetworks).Select(n => IPNetwork.Parse(n));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Split(KnownProxies).Where(p => !IPAddress.TryParse(p, out _))
            .Select(p => new ValidationResult($"OtpWall:Proxy:KnownProxies: '{p}' is not an IP address."))
            .Concat(Split(KnownNetworks).Where(n => !IPNetwork.TryParse(n, out _))
                .Select(n => new ValidationResult($"OtpWall:Proxy:KnownNetworks: '{n}' is not a network such as 10.0.0.0/8.")));

    private static string[] Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
