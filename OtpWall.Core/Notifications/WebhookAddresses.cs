using System.Net;
using System.Net.Sockets;

namespace OtpWall.Core.Notifications;

/// <summary>
/// Which addresses a webhook may be sent to: https only (http only to this machine, where local webhooks are allowed),
/// and, unless they are allowed, never an address of this machine or a private network, checked when it is saved and
/// again at every connection (a name that resolved elsewhere at saving time is refused when it resolves inside).
/// </summary>
public static class WebhookAddresses
{
    public static async Task<Refusal?> CheckAsync(string? url, bool allowLocal, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(url)) return new Refusal("Enter the address to send events to.");
        if (url.Length > Webhook.UrlMaxLength) return new Refusal("That address is too long.");
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
            return new Refusal("Enter a full address such as https://example.com/otpwall.");
        if (!string.IsNullOrEmpty(uri.UserInfo)) return new Refusal("The address must not carry a user name or password: the signature proves who sends.");
        if (uri.Scheme == "http" && !(allowLocal && IsLocalName(uri)))
            return new Refusal("The address must start with https:// (events carry codes).");
        if (allowLocal) return null;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return new Refusal($"{uri.Host} cannot be found.");
        }
        if (addresses.Length == 0) return new Refusal($"{uri.Host} cannot be found.");
        return addresses.Any(IsInside) ? new Refusal("That address leads to this server or a private network, which webhooks may not reach.") : null;
    }

    /// <summary>An address of this machine, a private or link-local network, or no real destination.</summary>
    public static bool IsInside(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (address.GetAddressBytes()[0] & 0xFE) == 0xFC;
        var b = address.GetAddressBytes();
        return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && b[1] is >= 16 and <= 31) ||
            (b[0] == 192 && b[1] == 168) || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] >= 224;
    }

    /// <summary>Opens the connection of a delivery, refusing (unless allowed) every address inside.</summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowLocal, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = allowLocal ? addresses : addresses.Where(a => !IsInside(a)).ToArray();
        if (allowed.Length == 0) throw new HttpRequestException("The address leads to this server or a private network.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsLocalName(Uri uri) => uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
}
