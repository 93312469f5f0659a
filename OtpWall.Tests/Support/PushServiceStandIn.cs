using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OtpWall.Tests.Support;

/// <summary>What a browser keeps of its subscription: its P-256 key pair and authentication secret (RFC 8291).</summary>
public sealed class BrowserPushKeys : IDisposable
{
    private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public byte[] Auth { get; } = RandomNumberGenerator.GetBytes(16);

    public byte[] Public
    {
        get
        {
            var q = _key.ExportParameters(false).Q;
            return [0x04, .. q.X!, .. q.Y!];
        }
    }

    /// <summary>The subscription JSON a browser's <c>PushSubscription.toJSON()</c> gives.</summary>
    public string SubscriptionJson(Uri endpoint) => new JsonObject
    {
        ["endpoint"] = endpoint.ToString(),
        ["keys"] = new JsonObject { ["p256dh"] = B64(Public), ["auth"] = B64(Auth) },
    }.ToJsonString();

    /// <summary>Decrypts an <c>aes128gcm</c> push message body (RFC 8188 with RFC 8291's keys), as the browser does.</summary>
    public string Decrypt(byte[] body)
    {
        var salt = body[..16];
        var recordSize = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        var idLength = body[20];
        var serverPublic = body[21..(21 + idLength)];
        var ciphertext = body[(21 + idLength)..];
        Assert.True(ciphertext.Length <= recordSize, "one record");

        using var server = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = serverPublic[1..33], Y = serverPublic[33..65] },
        });
        var shared = _key.DeriveRawSecretAgreement(server.PublicKey);
        var keyInfo = Encoding.ASCII.GetBytes("WebPush: info\0").Concat(Public).Concat(serverPublic).ToArray();
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, Auth, keyInfo);
        var cek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 16, salt, Encoding.ASCII.GetBytes("Content-Encoding: aes128gcm\0"));
        var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 12, salt, Encoding.ASCII.GetBytes("Content-Encoding: nonce\0"));
        var plain = new byte[ciphertext.Length - 16];
        using (var aes = new AesGcm(cek, 16))
            aes.Decrypt(nonce, ciphertext[..^16], ciphertext[^16..], plain);
        // The last record ends with the delimiter 2, then padding zeros.
        var end = Array.FindLastIndex(plain, b => b != 0);
        Assert.Equal(2, plain[end]);
        return Encoding.UTF8.GetString(plain, 0, end);
    }

    public void Dispose() => _key.Dispose();

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromB64(string text) => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - text.Length % 4) % 4));
}

/// <summary>A push request as the push service got it.</summary>
public sealed record PushRequest(string Path, byte[] Body, string? Encoding, string? Authorization, string? Ttl, string? Urgency);

/// <summary>A local stand-in of a browser's push service: records what it is sent, and answers what the test says (201 by default).</summary>
public sealed class PushServiceStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PushServiceStandIn(WebApplication app, Uri root) => (_app, Root) = (app, root);

    public Uri Root { get; }

    public ConcurrentQueue<PushRequest> Received { get; } = new();

    /// <summary>The status to answer (410: the browser unsubscribed).</summary>
    public int Answer { get; set; } = StatusCodes.Status201Created;

    public static async Task<PushServiceStandIn> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://localhost:{port}");
        var app = builder.Build();
        var service = new PushServiceStandIn(app, new Uri($"http://localhost:{port}/"));
        app.MapPost("/push/{id}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers;
            service.Received.Enqueue(new PushRequest(context.Request.Path, buffer.ToArray(), headers.ContentEncoding.ToString(), headers.Authorization.ToString(),
                headers["TTL"].ToString(), headers["Urgency"].ToString()));
            context.Response.StatusCode = service.Answer;
        });
        await app.StartAsync();
        return service;
    }

    public Uri Endpoint(string id) => new(Root, "push/" + id);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
