namespace OtpWall.Dashboard.Components.Pages.Activations;

/// <summary>What the last thing done on a card came to ("Code copied.", "Cancelled. OTPWALL refunds the price."),
/// shown in the card itself, under the buttons: a message in a corner of the screen would cover the next card's code.</summary>
public sealed record CardMessage(string Text, bool IsProblem);
