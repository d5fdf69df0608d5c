// Package model holds the agents, their state and the rules of rinsim: SMEs
// with Uppsala-style knowledge and commitment per foreign market, regional
// innovation networks (RINs) whose funding buys secretariat capacity and so
// the channels they offer, and the public actors as parameters.
//
// # Data layout
//
// Firm state is struct-of-arrays: one slice per variable, indexed by firm, and
// firm-by-market variables in flat slices indexed firm*markets+market. The
// step loop holds no pointer or interface per agent and allocates nothing in
// steady state.
//
// # Step order
//
// [World.Step] runs one quarter in this order (docs/ODD.md, "Process overview"):
//
//  1. join: firms whose joining quarter has come become members;
//  2. fund: each network sums its active funding streams, buys secretariat
//     capacity and chooses the channels it can offer;
//  3. firms, one by one: busy spells start or end; contacts arrive from the
//     firm's business and social networks, own channels and inbound
//     approaches; the firm picks its target market and sets its chance of
//     taking up invitations this quarter;
//  4. channels: each network runs the events of its offered channels; an
//     event can lead a participant to a commitment step in its market;
//  5. peers: members whose target no event served ask another member;
//  6. firms, one by one: at most one commitment step along the
//     establishment chain, then learning from current activities.
package model
