using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OtpWall.Tests.Support;

/// <summary>One request a webhook receiver got, its signature checked against the secret it was given.</summary>
public sealed record ReceivedEvent(string Path, JsonObject Body, string Delivery, string Event, long Timestamp, bool SignatureValid, DateTimeOffset At);

/// <summary>
/// A webhook receiver on a free localhost port, as a team's would be: it verifies each event's signature (HMAC-SHA256 of
/// the body with the secret it is told) and answers what the test asks (by default 204; queued statuses first).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _answers = new();
    private readonly ConcurrentDictionary<string, string> _secrets = new();

    private WebhookReceiver(WebApplication app, Uri root) => (_app, Root) = (app, root);

    public Uri Root { get; }

    public ConcurrentQueue<ReceivedEvent> Received { get; } = new();

    /// <summary>Answers these statuses to the next requests, in order (then 204 again).</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses) _answers.Enqueue(status);
    }

    /// <summary>Answer nothing at all (the connection is refused): the receiver is down.</summary>
    public bool Down { get; set; }

    /// <summary>How long the receiver takes to answer (after it has the event).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Requests begun.</summary>
    public int Started => _started;

    private int _started;

    public void ClearAnswers() => _answers.Clear();

    public void KnowSecret(string path, string secret) => _secrets[path] = secret;

    public Uri Address(string path) => new(Root, path.TrimStart('/'));

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://localhost:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Uri($"http://localhost:{port}/"));
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            if (receiver.Down)
            {
                context.Abort();
                return;
            }
            Interlocked.Increment(ref receiver._started);
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var raw = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value ?? "/";
            var signature = context.Request.Headers["X-OtpWall-Signature"].ToString();
            var valid = receiver._secrets.TryGetValue(path, out var secret) && signature ==
                "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(raw)));
            var timestamp = long.TryParse(context.Request.Headers["X-OtpWall-Timestamp"].ToString(), out var t) ? t : 0;
            receiver.Received.Enqueue(new ReceivedEvent(path, JsonNode.Parse(raw)!.AsObject(), context.Request.Headers["X-OtpWall-Delivery"].ToString(),
                context.Request.Headers["X-OtpWall-Event"].ToString(), timestamp, valid, DateTimeOffset.UtcNow));
            if (receiver.Delay > TimeSpan.Zero) await Task.Delay(receiver.Delay);
            context.Response.StatusCode = receiver._answers.TryDequeue(out var status) ? status : (int)HttpStatusCode.NoContent;
        });
        await app.StartAsync();
        return receiver;
    }

    public IEnumerable<ReceivedEvent> At(string path) => Received.Where(r => r.Path == path);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
