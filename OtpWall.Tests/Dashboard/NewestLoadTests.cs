using OtpWall.Dashboard.Components.Shared;

namespace OtpWall.Tests.Dashboard;

/// <summary>A page that reloads its list on every change: an older read that lands last never hides a newer one.</summary>
public sealed class NewestLoadTests
{
    [Fact]
    public async Task AReadThatBeganEarlierButLandsLater_IsDropped_AndTheNewestReadStays()
    {
        var loads = new NewestLoad<string>();
        var shown = "nothing";
        var (older, newer) = (new TaskCompletionSource<string>(), new TaskCompletionSource<string>());

        var first = loads.RunAsync(() => older.Task, list => shown = list);
        var second = loads.RunAsync(() => newer.Task, list => shown = list);
        newer.SetResult("with the code");
        Assert.True(await second);
        older.SetResult("before the code");

        Assert.False(await first);
        Assert.Equal("with the code", shown);
    }

    [Fact]
    public async Task ReadsLandingInTheOrderTheyBegan_AreEachShown()
    {
        var loads = new NewestLoad<int>();
        var shown = new List<int>();

        Assert.True(await loads.RunAsync(() => Task.FromResult(1), shown.Add));
        Assert.True(await loads.RunAsync(() => Task.FromResult(2), shown.Add));

        Assert.Equal([1, 2], shown);
    }
}
